import { createApplication, inject, token, z } from '@ody/core';
import { Body, Controller, Get, HttpServer, httpPlugin, type Middleware, Param, Post } from '@ody/http';

interface Users {
  find(id: string): { id: string; name: string };
}
const UsersToken = token<Users>('@ody/bench/Users');

/** The body of `POST /echo-valid`, validated by the route (fastify's peer uses the same rules as JSON schema). */
export const EchoSchema = z.object({ data: z.string().min(1).max(4096) });


@Controller('/')
class UsersController {
  constructor(@inject(UsersToken) private readonly users: Users) {}

  @Get('/users/:id')
  show(@Param('id') id: string) {
    return this.users.find(id);
  }

  @Post('/echo')
  echo(@Body() body: unknown) {
    return body;
  }

  /** Ody's normal validation path: a zod schema on the route's body (400 problem+json when invalid). */
  @Post('/echo-valid')
  echoValid(@Body(EchoSchema) body: z.infer<typeof EchoSchema>) {
    return body;
  }
}

const poweredBy: Middleware = (ctx, next) => {
  ctx.header('x-powered-by', 'ody');
  return next();
};

/**
 * The `ody-controller` peer: DI-resolved controller, one global middleware, @Param (on the given engine).
 * With `otel`, the same app plus otelPlugin (tracing on) and the OpenTelemetry API but no SDK: what an
 * app pays for being instrumented while nobody collects traces.
 */
export async function createController(port: number, engine: 'uws' | 'node' = 'uws', otel = false): Promise<string> {
  const { definePlugin } = await import('@ody/core');
  const users = definePlugin({
    name: 'users',
    register(ctx) {
      ctx.bind(UsersToken).toValue({ find: (id) => ({ id, name: `user-${id}` }) });
    },
  });
  const app = await createApplication({
    config: { app: { logLevel: 'silent' }, http: { host: '127.0.0.1', port, healthPath: false, engine } },
    envFile: false,
    plugins: [
      users,
      httpPlugin({ controllers: [UsersController], middleware: [poweredBy] }),
      ...(otel ? [(await import('@ody/otel')).otelPlugin({ health: { enabled: false } })] : []),
    ],
  });
  await app.start();
  const running = app.get(HttpServer).engine;
  if (running !== engine) throw new Error(`asked for the ${engine} engine, got ${running}: refusing to benchmark`);
  return running;
}
