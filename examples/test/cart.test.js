import { describe, it, expect, beforeEach } from "proctor";
import { createCart, checkout } from "../src/cart.js";

describe("cart", () => {
  let cart;
  beforeEach(() => {
    cart = createCart();
  });

  it("starts empty", () => {
    expect(cart.total()).toBe(0);
    expect(cart.items()).toEqual([]);
  });

  it("adds items", { tags: ["fast"] }, () => {
    cart.add("apple", 0.5, 4);
    cart.add("pear", 0.75);
    expect(cart.total()).toBeCloseTo(2.75);
    expect(cart.items()).toHaveLength(2);
  });

  it("rejects negative prices", () => {
    expect(() => cart.add("refund", -1)).toThrow(RangeError);
  });

  it.each([
    [1, 1],
    [3, 3],
    [10, 10],
  ])("charges %i items of 1.00 as %i", (quantity, total) => {
    cart.add("thing", 1, quantity);
    expect(cart.total()).toBe(total);
  });

  describe("checkout", () => {
    it("pays the total", async () => {
      cart.add("book", 12);
      const paid = [];
      const result = await checkout(cart, async (amount) => {
        paid.push(amount);
        return `receipt-${amount}`;
      });
      expect(paid).toEqual([12]);
      expect(result).toEqual({ total: 12, receipt: "receipt-12" });
    });

    it("passes a payment failure on", async () => {
      await expect(checkout(cart, () => Promise.reject(new Error("card declined")))).rejects.toThrow("card declined");
    });
  });

  it.todo("applies discount codes");
});
