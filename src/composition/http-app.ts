import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import { AccessDenialAudit } from '../application/audit/access-denial-audit.js';
import type { AppConfig } from '../infrastructure/config/app-config.js';
import { PinoNestLogger } from '../infrastructure/observability/logger.js';
import { SignalingIoAdapter } from '../infrastructure/signaling/signaling-io.adapter.js';
import type { SignalingRedisClient } from '../infrastructure/signaling/signaling-redis.js';
import { jsonBodyParsing } from '../interfaces/http/body-parsing.js';
import { ErrorFilter } from '../interfaces/http/error.filter.js';
import { RECORDING_MEDIA_ROUTE } from '../interfaces/http/recordings/recording-media.controller.js';
import { RECORDING_PART_ROUTE } from '../interfaces/http/recordings/recording-uploads.controller.js';
import { requestLogging } from '../interfaces/http/request-logging.js';
import {
  DOCS_PATH,
  SOCKET_HTTP_RESPONSE_HEADERS,
  securityHeaders,
} from '../interfaces/http/security-headers.js';
import { validationPipe } from '../interfaces/http/validation.js';
import { serveWebClient } from '../interfaces/http/web-client.js';
import type { AppRuntime } from './app-runtime.js';

/**
 * The NestJS application: REST API, socket.io gateway (scaled out through Redis when configured),
 * the web client's files and the OpenAPI page at /docs. Initialised, not yet listening.
 */
export async function createHttpApp(
  runtime: AppRuntime,
  config: AppConfig,
  logger: Logger,
  signalingRedis: SignalingRedisClient | null,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
  });
  app.useWebSocketAdapter(
    new SignalingIoAdapter(app, {
      redis: signalingRedis,
      streamName: config.signaling.redisStreamName,
      responseHeaders: SOCKET_HTTP_RESPONSE_HEADERS,
    }),
  );
  app.disable('x-powered-by');
  // req.ip (rate limits, the ledger's origin) believes X-Forwarded-For from trusted proxies only.
  app.set('trust proxy', (address: string, hop: number) =>
    runtime.clientAddresses.trusts(address, hop),
  );
  for (const middleware of securityHeaders()) app.use(middleware);
  if (!serveWebClient(app, config.webClientDir)) {
    logger.warn('the web client is not built (npm run build:web): serving the API only');
  }
  app.use(requestLogging(logger));
  for (const middleware of jsonBodyParsing([RECORDING_MEDIA_ROUTE, RECORDING_PART_ROUTE]))
    app.use(middleware);
  app.useGlobalPipes(validationPipe);
  app.useGlobalFilters(new ErrorFilter(logger, app.get(AccessDenialAudit), runtime.outages));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('VytalWatch Call Ledger')
      .setDescription('Telehealth calls as an event-sourced ledger')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document);
  return app;
}
