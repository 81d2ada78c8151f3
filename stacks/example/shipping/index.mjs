// The order saga's Ship step (Node.js): book the parcel with the carrier and store its label.
//
// Input: {"order_id", "sku", "quantity", "ship_to": {"country"}, "correlation_id"}
// Output: {"tracking_number", "label_key", "carrier"}; the label is a JSON object at `label_key` in the
// Labels bucket. A destination the carrier does not serve throws `ShippingUnavailable` (final: the saga
// refunds the charge and releases the stock).
// The tracking number derives from the order id, so a redelivered Ship step books the same parcel.
import { createHash } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const LABELS_BUCKET_NAME = process.env.LABELS_BUCKET_NAME;
const CARRIER = "sandbox-post";
const SERVED_COUNTRIES = new Set(["US", "CA", "GB", "IE", "FR", "DE", "NL", "ES", "IT", "JP", "AU"]);

// Created once per execution environment; the SDK honours AWS_ENDPOINT_URL when set.
const s3 = new S3Client({});

export class ShippingUnavailable extends Error {
  constructor(message) {
    super(message);
    // Lambda reports the error's name as its type: the name is what the saga catches.
    this.name = "ShippingUnavailable";
  }
}

export const handler = async (event) => {
  const { order_id: orderId, sku, quantity, ship_to: shipTo, correlation_id: correlationId } = event;
  const country = String(shipTo?.country ?? "").toUpperCase();
  if (!SERVED_COUNTRIES.has(country)) {
    log("WARN", "destination not served", { order_id: orderId, country, correlation_id: correlationId });
    throw new ShippingUnavailable(`${CARRIER} does not ship to ${country || "an empty country"}`);
  }
  const trackingNumber = `SP${createHash("sha256").update(orderId).digest("hex").slice(0, 16).toUpperCase()}`;
  const labelKey = `labels/${orderId}.json`;
  const label = { order_id: orderId, sku, quantity, country, carrier: CARRIER, tracking_number: trackingNumber };
  await s3.send(
    new PutObjectCommand({
      Bucket: LABELS_BUCKET_NAME,
      Key: labelKey,
      Body: JSON.stringify(label),
      ContentType: "application/json",
    }),
  );
  log("INFO", "label stored", { order_id: orderId, label_key: labelKey, correlation_id: correlationId });
  return { tracking_number: trackingNumber, label_key: labelKey, carrier: CARRIER };
};

function log(level, message, fields) {
  console.log(JSON.stringify({ timestamp: new Date().toISOString(), level, logger: "inventory.ship", message, ...fields }));
}
