// Prepended to every Node.js Lambda worker (node_localhost_names.py): names under `.localhost` resolve
// to this machine, as RFC 6761 says and browsers do, but glibc does not. The AWS SDK v3 addresses
// S3 buckets as `{bucket}.localhost:PORT` against a localhost endpoint, and CDK's own providers
// (auto_delete_objects) use it.

const __sptDns = require("node:dns");
const __sptLookup = __sptDns.lookup;
__sptDns.lookup = function (host, options, callback) {
  if (typeof host === "string" && host.toLowerCase().endsWith(".localhost")) {
    return __sptLookup.call(this, "localhost", options, callback);
  }
  return __sptLookup.call(this, host, options, callback);
};
