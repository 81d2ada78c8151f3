// Greets by name behind the HTTP API (payload format 2.0).
exports.handler = async (event) => {
  const name = event.pathParameters.name;
  console.log(`greeting ${name}`);
  return { statusCode: 200, body: JSON.stringify({ greeting: `hello ${name}`, route: event.routeKey }) };
};
