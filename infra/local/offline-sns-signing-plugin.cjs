'use strict';

/*
 * Local stack only: serverless-offline-sns delivers to HTTP subscribers as Amazon SNS does,
 * signed with the local key (infra/local/sns-signing.ts), so that VNF managers verify
 * signatures locally too. List it after serverless-offline-sns. It acts on `offline start`
 * only; at load it requires nothing, so `osls package` and `deploy` are untouched.
 */

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

    const publishUnsigned = SNSServer.prototype.publishHttp;
    SNSServer.prototype.publishHttp = function publishHttp(event, subscription, raw) {
      // A raw delivery is the bare message, unsigned on SNS too.
      if (raw) return publishUnsigned.call(this, event, subscription, raw);
      let signed;
      try {
        signed = delivery.signedHttpDelivery(event, subscription, identity, snsEndpoint);
      } catch (error) {
        log.warning(`offline SNS signing: could not sign a delivery to ${subscription.Endpoint}: ${error}`);
        return Promise.resolve();
      }
      // As the emulator's own: a subscriber that is gone is no error of the publisher's.
      return fetch(subscription.Endpoint, { method: 'POST', ...signed })
        .then((response) => {
          this.debug(`signed delivery to ${subscription.Endpoint}: ${response.status}`);
          return response.arrayBuffer();
        })
        .catch((error) => this.debug(error));
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
