// Preloaded into Node.js Lambda workers (NODE_OPTIONS=--require): names under `.localhost` resolve
// to this machine, as RFC 6761 says and browsers do, but glibc does not. The AWS SDK v3 addresses
// S3 buckets as `{bucket}.localhost:PORT` against a localhost endpoint, and CDK's own providers
// (auto_delete_objects) use it.
"use strict";
const dns = require("node:dns");
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (typeof host === "string" && host.toLowerCase().endsWith(".localhost")) {
    return lookup.call(this, "localhost", options, callback);
  }
  return lookup.call(this, host, options, callback);
};
