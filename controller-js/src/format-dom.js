// DOM nodes in the pretty printer, as pretty-format's DOMElement and DOMCollection plugins print
// them (Jest's snapshots of rendered markup): elements as indented tags with sorted attributes,
// text and comments escaped, NodeList and HTMLCollection as lists. Only browsers have DOM nodes;
// the checks use duck typing so a test can use look-alikes.

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const COMMENT_NODE = 8;
const FRAGMENT_NODE = 11;
const ELEMENT_NAME = /^((HTML|SVG)\w*)?Element$/;
const INDENT = "  ";

function constructorName(value) {
  return typeof value.constructor === "function" ? value.constructor.name : "";
}

/** True for the DOM nodes pretty-format's DOMElement plugin prints. */
export function isDomNode(value) {
  if (value === null || typeof value !== "object" || typeof value.nodeType !== "number") return false;
  const name = constructorName(value);
  switch (value.nodeType) {
    case ELEMENT_NODE:
      return ELEMENT_NAME.test(name) || (typeof value.tagName === "string" && value.tagName.includes("-"));
    case TEXT_NODE:
      return name === "Text";
    case COMMENT_NODE:
      return name === "Comment";
    case FRAGMENT_NODE:
      return name === "DocumentFragment";
    default:
      return false;
  }
}

/** True for NodeList and HTMLCollection, which print as lists of their nodes. */
export function isDomCollection(value) {
  const name = value !== null && typeof value === "object" ? constructorName(value) : "";
  return (name === "NodeList" || name === "HTMLCollection") && typeof value.length === "number";
}

const escapeHtml = (text) => text.replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Prints a DOM node. `printValue(value, indentation)` prints an attribute value with the
 * surrounding printer (a quoted string); `config.min` gives the one-line form.
 */
export function printDomNode(node, config, indentation, depth, printValue) {
  if (node.nodeType === TEXT_NODE) return escapeHtml(String(node.data));
  if (node.nodeType === COMMENT_NODE) return `<!--${escapeHtml(String(node.data))}-->`;
  const fragment = node.nodeType === FRAGMENT_NODE;
  const type = fragment ? "DocumentFragment" : String(node.tagName).toLowerCase();
  if (depth >= config.maxDepth) return `<${type} … />`;
  const spacingOuter = config.min ? "" : "\n";
  const spacingInner = config.min ? " " : "\n";
  const inner = indentation + (config.min ? "" : INDENT);
  const attributes = fragment ? [] : Array.from(node.attributes ?? [], (attribute) => [attribute.name, attribute.value]);
  attributes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const props = attributes.map(([name, value]) => `${spacingInner}${inner}${name}=${printValue(value, inner)}`).join("");
  const children = Array.from(node.childNodes ?? node.children ?? [])
    .map((child) => `${spacingOuter}${inner}${printDomNode(child, config, inner, depth + 1, printValue)}`)
    .join("");
  const open = `<${type}${props && `${props}${spacingOuter}${indentation}`}`;
  if (children) return `${open}>${children}${spacingOuter}${indentation}</${type}>`;
  return `${open}${props && !config.min ? "" : " "}/>`;
}

/** Prints a NodeList or HTMLCollection: `NodeList [` its nodes `]`. */
export function printDomCollection(collection, config, indentation, depth, printItem) {
  const name = constructorName(collection);
  const items = Array.from(collection, (item) => printItem(item, indentation + (config.min ? "" : INDENT)));
  if (items.length === 0) return `${name} []`;
  if (config.min) return `${name} [${items.join(", ")}]`;
  const inner = indentation + INDENT;
  return `${name} [\n${items.map((item) => `${inner}${item},\n`).join("")}${indentation}]`;
}
