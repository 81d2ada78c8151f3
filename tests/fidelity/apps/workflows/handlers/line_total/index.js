// One order line's total: quantity times unit price.
exports.handler = async (line) => {
  if (typeof line.qty !== "number" || typeof line.unit !== "number") {
    throw new Error(`bad line ${JSON.stringify(line)}`);
  }
  return { sku: line.sku, total: line.qty * line.unit };
};
