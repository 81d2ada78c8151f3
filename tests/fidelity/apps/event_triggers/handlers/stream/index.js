// DynamoDB stream changes and scheduled ticks, recorded in SEEN_TABLE.
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");

const client = new DynamoDBClient({});

async function record(pk, detail) {
  await client.send(
    new PutItemCommand({
      TableName: process.env.SEEN_TABLE,
      Item: { pk: { S: pk }, detail: { S: detail } },
    }),
  );
}

exports.onChange = async (event) => {
  for (const change of event.Records) {
    const userId = change.dynamodb.Keys.userId.S;
    await record(`stream#${change.eventName}#${userId}`, JSON.stringify(change.dynamodb.NewImage || {}));
  }
};

exports.onTick = async (event) => {
  await record(`tick#${event.time}`, event["detail-type"]);
};
