import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** The OpenAPI document of the REST API, from the controllers' routes and the zod schemas they use. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Meridian')
      .setDescription('Distributed job scheduler: create jobs, watch their executions and attempts.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: mk_…' })
      .addSecurityRequirements('bearer')
      .build(),
  );
}
