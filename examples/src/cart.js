// A tiny shopping cart, the code under test in the example project.
export function createCart() {
  const items = [];
  return {
    add(name, price, quantity = 1) {
      if (price < 0) throw new RangeError(`price of ${name} must not be negative`);
      items.push({ name, price, quantity });
    },
    total() {
      return items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    },
    items() {
      return items.map((item) => ({ ...item }));
    },
  };
}

export async function checkout(cart, pay) {
  const total = cart.total();
  const receipt = await pay(total);
  return { total, receipt };
}
