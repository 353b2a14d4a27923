'use strict';

/*
 * Local stack only: serverless-offline-sns delivers to HTTP subscribers as Amazon SNS does,
 * signed with the local key (infra/local/sns-signing.ts), so that VNF managers verify
 * signatures locally too; and, as SNS, it asks a new HTTP subscription to confirm
 * (a signed SubscriptionConfirmation) and delivers nothing to it until its SubscribeURL is
 * visited. List it after serverless-offline-sns. It acts on `offline start` only; at load it
 * requires nothing, so `osls package` and `deploy` are untouched.
 */

const { randomBytes } = require('node:crypto');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

class OfflineSnsSigningPlugin {
  constructor(serverless, _options, { log }) {
    this.serverless = serverless;
    this.log = log;
    this.hooks = {
      'before:offline:start': () => this.start(),
      'before:offline:start:init': () => this.start(),
      'after:offline:start:end': () => this.stop(),
    };
  }

  async start() {
    if (this.certificateServer) return;
    const { tsImport } = await import('tsx/esm/api');
    const here = pathToFileURL(__filename).href;
    const signing = await tsImport('./sns-signing.ts', here);
    const delivery = await tsImport('./offline-sns-http-delivery.ts', here);
    // The package's exports map hides dist/sns-server.js; its file URL is the module the plugin runs.
    const serverFile = join(dirname(require.resolve('serverless-offline-sns')), 'sns-server.js');
    const { SNSServer } = await import(pathToFileURL(serverFile).href);

    const identity = await signing.snsSigningIdentity();
    this.certificateServer = await signing.startSnsCertificateServer(identity);
    const config = this.serverless.service.custom['serverless-offline-sns'] ?? {};
    const snsEndpoint = `http://${config.host ?? '127.0.0.1'}:${config.port ?? 4002}`;
    const { log } = this;

    const post = (server, subscription, message) =>
      fetch(subscription.Endpoint, { method: 'POST', ...message })
        .then((response) => {
          server.debug(
            `signed ${message.headers['x-amz-sns-message-type']} to ${subscription.Endpoint}: ${response.status}`,
          );
          return response.arrayBuffer();
        })
        // As the emulator's own: a subscriber that is gone is no error of the publisher's.
        .catch((error) => server.debug(error));

    // Subscriptions waiting for their SubscribeURL to be visited, by token.
    const pending = new Map();
    const confirmRoutes = new WeakSet();
    const confirmRoute = (server) => {
      if (confirmRoutes.has(server.app)) return;
      confirmRoutes.add(server.app);
      server.app.get('/confirm-subscription', (req, res) => {
        const subscription = pending.get(String(req.query.Token));
        if (!subscription || subscription.TopicArn !== req.query.TopicArn) {
          res.status(404).send('<ErrorResponse><Error><Code>NotFound</Code></Error></ErrorResponse>');
          return;
        }
        pending.delete(String(req.query.Token));
        delete subscription.PendingConfirmation;
        res.send(
          `<ConfirmSubscriptionResponse><ConfirmSubscriptionResult><SubscriptionArn>${subscription.SubscriptionArn}</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`,
        );
      });
    };

    const subscribeAtOnce = SNSServer.prototype.subscribe;
    SNSServer.prototype.subscribe = function subscribe(endpoint, protocol, arn, body) {
      const known = new Set(this.subscriptions);
      const answer = subscribeAtOnce.call(this, endpoint, protocol, arn, body);
      const created = this.subscriptions.find((subscription) => !known.has(subscription));
      if (created && ['http', 'https'].includes(String(protocol).toLowerCase())) {
        confirmRoute(this);
        const token = randomBytes(32).toString('hex');
        created.PendingConfirmation = true;
        pending.set(token, created);
        const subscribeUrl = `${snsEndpoint}/confirm-subscription?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(created.TopicArn)}&Token=${token}`;
        void post(this, created, delivery.signedSubscriptionConfirmation(created, identity, token, subscribeUrl));
      }
      return answer;
    };

    const publishUnsigned = SNSServer.prototype.publishHttp;
    SNSServer.prototype.publishHttp = function publishHttp(event, subscription, raw) {
      // As SNS: nothing for a subscription that has not confirmed yet.
      if (subscription.PendingConfirmation) return Promise.resolve();
      // A raw delivery is the bare message, unsigned on SNS too.
      if (raw) return publishUnsigned.call(this, event, subscription, raw);
      let signed;
      try {
        signed = delivery.signedHttpDelivery(event, subscription, identity, snsEndpoint);
      } catch (error) {
        log.warning(`offline SNS signing: could not sign a delivery to ${subscription.Endpoint}: ${error}`);
        return Promise.resolve();
      }
      return post(this, subscription, signed);
    };
    log.info(
      `offline SNS signs HTTP deliveries; SigningCertURL ${identity.certificateUrl} is served on 127.0.0.1:${this.certificateServer.port}`,
    );
  }

  async stop() {
    await this.certificateServer?.close();
    this.certificateServer = undefined;
  }
}

module.exports = OfflineSnsSigningPlugin;
