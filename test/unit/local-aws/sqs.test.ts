import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSqs, md5OfMessageAttributes, sqsRequestListener } from '../../../infra/local/aws/sqs';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

interface Running {
  sqs: LocalSqs;
  client: SQSClient;
  endpoint: string;
  stop: () => Promise<void>;
}

const stateDirs: string[] = [];
const running = new Set<Running>();

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-sqs-'));
  stateDirs.push(dir);
  return dir;
}

/** The emulator behind a node:http server on a random port, and a real SDK client pointed at it. */
async function start(dir: string, options: { compactEvery?: number } = {}): Promise<Running> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sqs = await LocalSqs.open({
    region: REGION,
    account: ACCOUNT,
    endpoint,
    stateDir: dir,
    log: () => {},
    ...options,
  });
  server.on('request', sqsRequestListener(sqs));
  const client = new SQSClient({ endpoint, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const instance: Running = {
    sqs,
    client,
    endpoint,
    stop: async () => {
      running.delete(instance);
      client.destroy();
      await sqs.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  running.add(instance);
  return instance;
}

afterEach(async () => {
  for (const instance of [...running]) await instance.stop();
  for (const dir of stateDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl as string;
}

const receive = (client: SQSClient, QueueUrl: string, input: Partial<ReceiveMessageCommandInput> = {}) =>
  client
    .send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], ...input }))
    .then((output) => output.Messages ?? []);

async function count(client: SQSClient, QueueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

describe('the local SQS', () => {
  describe('queues', () => {
    it('creates a queue whose URL and ARN are those of the account, and creating it again answers the same URL', async () => {
      const { client, endpoint } = await start(await stateDir());
      const url = await createQueue(client, 'orders', { VisibilityTimeout: '5' });
      expect(url).toBe(`${endpoint}/${ACCOUNT}/orders`);
      expect(await createQueue(client, 'orders', { VisibilityTimeout: '5' })).toBe(url);
      expect((await client.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl).toBe(url);
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
      );
      expect(Attributes).toMatchObject({
        QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`,
        VisibilityTimeout: '5',
        MessageRetentionPeriod: '345600',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      });
      expect(Number(Attributes?.CreatedTimestamp)).toBeCloseTo(Date.now() / 1000, -1);
    });

    it('refuses to create an existing queue with different attributes (QueueNameExists)', async () => {
      const { client } = await start(await stateDir());
      await createQueue(client, 'orders', { VisibilityTimeout: '5' });
      await expect(createQueue(client, 'orders', { VisibilityTimeout: '6' })).rejects.toMatchObject({
        name: 'QueueNameExists',
      });
    });

    it('refuses unknown and out-of-range attributes', async () => {
      const { client } = await start(await stateDir());
      await expect(createQueue(client, 'a', { Colour: 'blue' })).rejects.toMatchObject({
        name: 'InvalidAttributeName',
      });
      await expect(createQueue(client, 'b', { VisibilityTimeout: '43201' })).rejects.toMatchObject({
        name: 'InvalidAttributeValue',
      });
      await expect(createQueue(client, 'c', { RedrivePolicy: '{"maxReceiveCount":2}' })).rejects.toMatchObject({
        name: 'InvalidParameterValue',
      });
    });

    it('lists queues by name prefix', async () => {
      const { client, endpoint } = await start(await stateDir());
      for (const name of ['faults-a', 'faults-b', 'other']) await createQueue(client, name);
      const { QueueUrls } = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'faults-' }));
      expect(QueueUrls).toEqual([`${endpoint}/${ACCOUNT}/faults-a`, `${endpoint}/${ACCOUNT}/faults-b`]);
      expect((await client.send(new ListQueuesCommand({ QueueNamePrefix: 'none' }))).QueueUrls).toBeUndefined();
    });

    it('changes attributes with SetQueueAttributes', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '7' } }));
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }),
      );
      expect(Attributes).toEqual({ VisibilityTimeout: '7' });
    });

    it('answers QueueDoesNotExist for an unknown queue (the SDK throws QueueDoesNotExist)', async () => {
      const { client, endpoint } = await start(await stateDir());
      const error = await client
        .send(new SendMessageCommand({ QueueUrl: `${endpoint}/${ACCOUNT}/missing`, MessageBody: 'x' }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueDoesNotExist);
      expect(error).toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
      await expect(client.send(new GetQueueUrlCommand({ QueueName: 'missing' }))).rejects.toBeInstanceOf(
        QueueDoesNotExist,
      );
    });

    it('answers an unknown queue as SQS does on the wire: __type, message and x-amzn-query-error', async () => {
      const { sqs } = await start(await stateDir());
      expect(await sqs.handle({ target: 'AmazonSQS.GetQueueUrl', body: { QueueName: 'missing' } })).toEqual({
        status: 400,
        headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' },
        body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' },
      });
    });

    it('deletes a queue: it no longer exists, and its name cannot be used again for 60 seconds', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new DeleteQueueCommand({ QueueUrl: url }));
      await expect(receive(client, url)).rejects.toBeInstanceOf(QueueDoesNotExist);
      await expect(createQueue(client, 'orders')).rejects.toMatchObject({ name: 'QueueDeletedRecently' });
    });

    it('accepts a queue name or ARN where the API takes a QueueUrl', async () => {
      const { client } = await start(await stateDir());
      await createQueue(client, 'orders');
      await client.send(new SendMessageCommand({ QueueUrl: 'orders', MessageBody: 'by name' }));
      await client.send(
        new SendMessageCommand({ QueueUrl: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`, MessageBody: 'by arn' }),
      );
      const bodies = (await receive(client, 'orders', { MaxNumberOfMessages: 10 })).map((m) => m.Body);
      expect(bodies).toEqual(['by name', 'by arn']);
    });
  });

  describe('messages', () => {
    it('sends and receives a message with attributes, with the MD5s SQS computes (the SDK verifies the body MD5)', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      // Body and attributes whose MD5s AWS answers (as pinned by moto's SQS tests).
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'derp',
          MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
        }),
      );
      expect(sent.MD5OfMessageBody).toBe('58fd9edd83341c29f1aebba81c31e257');
      expect(sent.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');

      const [message, ...others] = await receive(client, url, { MessageAttributeNames: ['All'] });
      expect(others).toEqual([]);
      expect(message).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'derp',
        MD5OfBody: '58fd9edd83341c29f1aebba81c31e257',
        MD5OfMessageAttributes: '235c5c510d26fb653d073faed50ae77c',
        MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } },
        Attributes: { ApproximateReceiveCount: '1', SenderId: ACCOUNT },
      });
      expect(Number(message?.Attributes?.SentTimestamp)).toBeLessThanOrEqual(
        Number(message?.Attributes?.ApproximateFirstReceiveTimestamp),
      );
    });

    it('computes MD5OfMessageAttributes as SQS does over String, Number, Binary and non-ASCII attributes, in order of name', () => {
      // The attributes and digest pinned by moto's SQS tests.
      expect(
        md5OfMessageAttributes({
          ccc: { DataType: 'String', StringValue: 'testjunk' },
          aaa: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]).toString('base64') },
          zzz: { DataType: 'Number', StringValue: '0230.01' },
          öther_encodings: { DataType: 'String', StringValue: 'Tüst' },
        }),
      ).toBe('8ae21a7957029ef04146b42aeaa18a22');
      expect(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359901' } })).toBe(
        '994258b45346a2cc3f9cbb611aa7af30',
      );
    });

    it('returns Binary attributes, and the MD5 of just the attributes asked for', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      const attributes = {
        ccc: { DataType: 'String', StringValue: 'testjunk' },
        aaa: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]).toString('base64') },
        'zzz.n': { DataType: 'Number.float', StringValue: '0230.01' },
      };
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'derp',
          MessageAttributes: { ...attributes, aaa: { DataType: 'Binary', BinaryValue: Uint8Array.from([2, 3, 4]) } },
        }),
      );
      expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));
      const [message] = await receive(client, url, { MessageAttributeNames: ['aaa', 'zzz.*'] });
      expect(message?.MessageAttributes).toEqual({
        aaa: { DataType: 'Binary', BinaryValue: Uint8Array.from([2, 3, 4]) },
        'zzz.n': { DataType: 'Number.float', StringValue: '0230.01' },
      });
      expect(message?.MD5OfMessageAttributes).toBe(
        md5OfMessageAttributes({ aaa: attributes.aaa, 'zzz.n': attributes['zzz.n'] }),
      );
    });

    it('refuses attribute names SQS refuses', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      for (const name of ['AWS.reserved', 'öther', 'a..b', '.a']) {
        await expect(
          client.send(
            new SendMessageCommand({
              QueueUrl: url,
              MessageBody: 'x',
              MessageAttributes: { [name]: { DataType: 'String', StringValue: 'v' } },
            }),
          ),
        ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      }
    });

    it('keeps a received message invisible until its visibility timeout, then delivers it again with ApproximateReceiveCount 2', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders', { VisibilityTimeout: '1' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once' }));
      const [first] = await receive(client, url);
      expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
      expect(await receive(client, url)).toEqual([]);
      expect(await count(client, url)).toEqual({ visible: 0, inFlight: 1 });
      await sleep(1100);
      expect(await count(client, url)).toEqual({ visible: 1, inFlight: 0 });
      const [again] = await receive(client, url);
      expect(again).toMatchObject({ MessageId: first?.MessageId, Attributes: { ApproximateReceiveCount: '2' } });
      expect(again?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    });

    it('deletes a message by its receipt handle: it is not delivered again', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders', { VisibilityTimeout: '1' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'once' }));
      const [message] = await receive(client, url);
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
      // Deleting again succeeds, as in SQS.
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
      await sleep(1100);
      expect(await receive(client, url)).toEqual([]);
      expect(await count(client, url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('does not delete a message by the receipt handle of an earlier receive', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'twice' }));
      const [first] = await receive(client, url, { VisibilityTimeout: 0 });
      const [second] = await receive(client, url, { VisibilityTimeout: 0 });
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
      expect(await count(client, url)).toEqual({ visible: 1, inFlight: 0 });
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
      expect(await count(client, url)).toEqual({ visible: 0, inFlight: 0 });
    });

    it('refuses a receipt handle that is not one (ReceiptHandleIsInvalid)', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await expect(
        client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' })),
      ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid', $metadata: { httpStatusCode: 404 } });
    });

    it('changes a message visibility: to 0 it is visible at once; a visible message is not in flight', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const [message] = await receive(client, url);
      expect(await receive(client, url)).toEqual([]);
      const change = new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      });
      await client.send(change);
      expect(await count(client, url)).toEqual({ visible: 1, inFlight: 0 });
      await expect(client.send(change)).rejects.toMatchObject({ name: 'MessageNotInflight' });
    });

    it('long-polls: answers as soon as a message arrives, or with no messages after WaitTimeSeconds', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      const began = Date.now();
      const polling = receive(client, url, { WaitTimeSeconds: 10 });
      await sleep(200);
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
      expect((await polling).map((m) => m.Body)).toEqual(['arrived']);
      expect(Date.now() - began).toBeLessThan(2000);

      const idle = Date.now();
      expect(await receive(client, url, { WaitTimeSeconds: 1 })).toEqual([]);
      expect(Date.now() - idle).toBeGreaterThanOrEqual(950);
    });

    it('long-polls until an in-flight message becomes visible again', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders', { VisibilityTimeout: '1' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
      await receive(client, url);
      const began = Date.now();
      const [again] = await receive(client, url, { WaitTimeSeconds: 5 });
      expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(Date.now() - began).toBeLessThan(2000);
    });

    it('receives at most MaxNumberOfMessages, and refuses more than 10 (InvalidParameterValue)', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      for (const body of ['1', '2', '3'])
        await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      expect((await receive(client, url, { MaxNumberOfMessages: 2 })).map((m) => m.Body)).toEqual(['1', '2']);
      await expect(receive(client, url, { MaxNumberOfMessages: 11 })).rejects.toMatchObject({
        name: 'InvalidParameterValue',
      });
    });

    it('refuses an empty body (MissingParameter) and characters SQS does not accept (InvalidMessageContents)', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await expect(client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' }))).rejects.toMatchObject({
        name: 'MissingParameter',
      });
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0000b' })),
      ).rejects.toMatchObject({
        name: 'InvalidMessageContents',
      });
    });

    it('purges a queue, once a minute', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await client.send(new PurgeQueueCommand({ QueueUrl: url }));
      expect(await receive(client, url)).toEqual([]);
      await expect(client.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toMatchObject({
        name: 'PurgeQueueInProgress',
      });
    });

    it('drops a message older than the queue retention period', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders', { MessageRetentionPeriod: '60' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
      try {
        expect(await receive(client, url)).toEqual([]);
        expect(await count(client, url)).toEqual({ visible: 0, inFlight: 0 });
      } finally {
        clock.mockRestore();
      }
    });
  });

  describe('batches', () => {
    it('reports SendMessageBatch per entry', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      const { Successful, Failed } = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: 'first', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
            { Id: 'b', MessageBody: 'bad \u0001 character' },
            { Id: 'c', MessageBody: 'third' },
          ],
        }),
      );
      expect(Successful?.map((entry) => entry.Id)).toEqual(['a', 'c']);
      expect(Successful?.[0]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
      expect(Failed).toEqual([
        { Id: 'b', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
      ]);
      expect((await receive(client, url, { MaxNumberOfMessages: 10 })).map((m) => m.Body)).toEqual(['first', 'third']);
    });

    it('refuses batches of more than 10 entries or with repeated ids', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      const entries = Array.from({ length: 11 }, (_, n) => ({ Id: `m${n}`, MessageBody: 'x' }));
      await expect(client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }))).rejects.toMatchObject(
        {
          name: 'TooManyEntriesInBatchRequest',
        },
      );
      await expect(
        client.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: [
              { Id: 'same', MessageBody: 'x' },
              { Id: 'same', MessageBody: 'y' },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
    });

    it('reports DeleteMessageBatch per entry', async () => {
      const { client } = await start(await stateDir());
      const url = await createQueue(client, 'orders');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const [message] = await receive(client, url);
      const { Successful, Failed } = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'good', ReceiptHandle: message?.ReceiptHandle },
            { Id: 'bad', ReceiptHandle: 'garbage' },
          ],
        }),
      );
      expect(Successful).toEqual([{ Id: 'good' }]);
      expect(Failed).toEqual([
        { Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: expect.any(String) },
      ]);
      expect(await count(client, url)).toEqual({ visible: 0, inFlight: 0 });
    });
  });

  describe('dead-letter queues', () => {
    it('moves a message to the dead-letter queue once it was received maxReceiveCount times', async () => {
      const { client } = await start(await stateDir());
      const dlqUrl = await createQueue(client, 'orders-dlq');
      const dlqArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`;
      const url = await createQueue(client, 'orders', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }),
      });
      const { MessageId } = await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
      expect((await receive(client, url, { VisibilityTimeout: 0 }))[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
      expect((await receive(client, url, { VisibilityTimeout: 0 }))[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(await receive(client, url)).toEqual([]);
      expect(await count(client, url)).toEqual({ visible: 0, inFlight: 0 });
      const [dead] = await receive(client, dlqUrl);
      expect(dead).toMatchObject({
        MessageId,
        Body: 'poison',
        Attributes: { DeadLetterQueueSourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders` },
      });
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }),
      );
      expect(JSON.parse(Attributes?.RedrivePolicy as string)).toEqual({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: 2,
      });
    });

    it('wakes a long poll on the dead-letter queue when a message is moved there', async () => {
      const { client } = await start(await stateDir());
      const dlqUrl = await createQueue(client, 'dlq');
      const url = await createQueue(client, 'orders', {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`,
          maxReceiveCount: 1,
        }),
      });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
      await receive(client, url, { VisibilityTimeout: 0 });
      const waiting = receive(client, dlqUrl, { WaitTimeSeconds: 5 });
      await sleep(100);
      expect(await receive(client, url)).toEqual([]);
      expect((await waiting).map((m) => m.Body)).toEqual(['poison']);
    });
  });

  describe('durability', () => {
    it('keeps queues and undeleted messages across a restart from the same state directory', async () => {
      const dir = await stateDir();
      const first = await start(dir);
      const url = await createQueue(first.client, 'orders', { VisibilityTimeout: '9' });
      for (const body of ['kept', 'deleted', 'also kept']) {
        await first.client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            MessageAttributes: { n: { DataType: 'String', StringValue: body } },
          }),
        );
      }
      const received = await receive(first.client, url, { MaxNumberOfMessages: 3, VisibilityTimeout: 0 });
      const deleted = received.find((m) => m.Body === 'deleted');
      await first.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: deleted?.ReceiptHandle }));
      await first.stop();

      const second = await start(dir);
      const url2 = second.sqs.queueUrl('orders');
      const { Attributes } = await second.client.send(
        new GetQueueAttributesCommand({ QueueUrl: url2, AttributeNames: ['VisibilityTimeout'] }),
      );
      expect(Attributes).toEqual({ VisibilityTimeout: '9' });
      const messages = await receive(second.client, url2, { MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] });
      expect(
        messages.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount, m.MessageAttributes?.n?.StringValue]),
      ).toEqual([
        ['kept', '2', 'kept'],
        ['also kept', '2', 'also kept'],
      ]);
    });

    it('makes a message that was in flight when the emulator stopped visible after reopening', async () => {
      const dir = await stateDir();
      const first = await start(dir);
      const url = await createQueue(first.client, 'orders', { VisibilityTimeout: '600' });
      const { MessageId } = await first.client.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }),
      );
      const [inFlight] = await receive(first.client, url);
      expect(await count(first.client, url)).toEqual({ visible: 0, inFlight: 1 });
      await first.stop();

      const second = await start(dir);
      const url2 = second.sqs.queueUrl('orders');
      expect(await count(second.client, url2)).toEqual({ visible: 1, inFlight: 0 });
      const [again] = await receive(second.client, url2);
      expect(again).toMatchObject({ MessageId, Body: 'in flight', Attributes: { ApproximateReceiveCount: '2' } });
      expect(again?.ReceiptHandle).not.toBe(inFlight?.ReceiptHandle);
    });

    it('still deletes a message by the receipt handle it was last received with before the restart', async () => {
      const dir = await stateDir();
      const first = await start(dir);
      const url = await createQueue(first.client, 'orders');
      await first.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const [message] = await receive(first.client, url);
      await first.stop();

      const second = await start(dir);
      await second.client.send(new DeleteMessageCommand({ QueueUrl: 'orders', ReceiptHandle: message?.ReceiptHandle }));
      expect(await count(second.client, 'orders')).toEqual({ visible: 0, inFlight: 0 });
    });

    it('keeps a deleted queue deleted and a moved message in its dead-letter queue across a restart', async () => {
      const dir = await stateDir();
      const first = await start(dir);
      await createQueue(first.client, 'gone');
      await first.client.send(new DeleteQueueCommand({ QueueUrl: 'gone' }));
      await createQueue(first.client, 'dlq');
      await createQueue(first.client, 'orders', {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq`,
          maxReceiveCount: 1,
        }),
      });
      await first.client.send(new SendMessageCommand({ QueueUrl: 'orders', MessageBody: 'poison' }));
      await receive(first.client, 'orders', { VisibilityTimeout: 0 });
      expect(await receive(first.client, 'orders')).toEqual([]);
      await first.stop();

      const second = await start(dir);
      const { QueueUrls } = await second.client.send(new ListQueuesCommand({}));
      expect(QueueUrls?.map((u) => u.split('/').pop())).toEqual(['dlq', 'orders']);
      expect(await count(second.client, 'orders')).toEqual({ visible: 0, inFlight: 0 });
      expect((await receive(second.client, 'dlq')).map((m) => m.Body)).toEqual(['poison']);
    });

    it('compacts its journal while running without losing a message', async () => {
      const dir = await stateDir();
      const first = await start(dir, { compactEvery: 5 });
      await first.sqs.createQueue('orders');
      // Sent together, so that records arrive while the journal is being compacted.
      await Promise.all(Array.from({ length: 30 }, (_, n) => first.sqs.sendMessage('orders', `m${n}`)));
      const received = await receive(first.client, 'orders', { MaxNumberOfMessages: 10 });
      await first.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: 'orders',
          Entries: received.map((m, n) => ({ Id: `e${n}`, ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      await first.stop();
      // 51 records were written: the queue, 30 sends, 10 receives, 10 deletes.
      const lines = (await readFile(join(dir, 'sqs.journal'), 'utf8')).trim().split('\n');
      expect(lines.length).toBeLessThan(51);

      const second = await start(dir);
      const bodies: string[] = [];
      for (let batch = await receive(second.client, 'orders', { MaxNumberOfMessages: 10 }); batch.length > 0; ) {
        bodies.push(...batch.map((m) => m.Body as string));
        batch = await receive(second.client, 'orders', { MaxNumberOfMessages: 10 });
      }
      expect(bodies).toEqual(Array.from({ length: 20 }, (_, n) => `m${n + 10}`));
    });
  });

  describe('in-process API (for the other local services)', () => {
    it('creates queues idempotently and sends by name, QueueUrl or ARN', async () => {
      const { sqs, client, endpoint } = await start(await stateDir());
      const url = await sqs.createQueue('failed-invocations', { MessageRetentionPeriod: '1209600' });
      expect(await sqs.createQueue('failed-invocations', { MessageRetentionPeriod: '1209600' })).toBe(url);
      expect(url).toBe(`${endpoint}/${ACCOUNT}/failed-invocations`);
      expect(sqs.queueUrl('failed-invocations')).toBe(url);
      const arn = sqs.queueArn('failed-invocations');
      expect(arn).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:failed-invocations`);
      const sent = await sqs.sendMessage('failed-invocations', '{"a":1}', {
        TopicArn: { DataType: 'String', StringValue: 'arn:aws:sns:us-east-1:000000000000:t' },
      });
      expect(sent).toEqual({
        MessageId: expect.any(String),
        MD5OfMessageBody: createHash('md5').update('{"a":1}').digest('hex'),
        MD5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      await sqs.sendMessage(url, 'by url');
      await sqs.sendMessage(arn, 'by arn');
      const bodies = (await receive(client, url, { MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] })).map(
        (m) => m.Body,
      );
      expect(bodies).toEqual(['{"a":1}', 'by url', 'by arn']);
      expect(() => sqs.queueUrl('missing')).toThrow(expect.objectContaining({ code: 'QueueDoesNotExist' }));
      await expect(sqs.sendMessage('missing', 'x')).rejects.toMatchObject({ code: 'QueueDoesNotExist' });
    });

    it('answers waiting long polls with no messages when it closes', async () => {
      const { sqs } = await start(await stateDir());
      await sqs.createQueue('orders');
      const waiting = sqs.handle({
        target: 'AmazonSQS.ReceiveMessage',
        body: { QueueUrl: 'orders', WaitTimeSeconds: 20 },
      });
      await sleep(50);
      const began = Date.now();
      await sqs.close();
      expect(await waiting).toEqual({ status: 200, body: {} });
      expect(Date.now() - began).toBeLessThan(1000);
    });

    it('answers an unknown action with UnknownOperationException', async () => {
      const { sqs } = await start(await stateDir());
      const response = await sqs.handle({ target: 'AmazonSQS.TagQueue', body: {} });
      expect(response).toMatchObject({
        status: 400,
        body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
      });
    });
  });
});
