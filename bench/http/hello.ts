// Child process of bench/http/run.ts: Fastify's minimal hello-world (the framework's ceiling),
// the same Fastify the selfprov transport uses. GET /hello answers a small JSON; POST /echo
// echoes the JSON body with 201. Prints `READY {"url":...}`; stops on SIGTERM.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// bench/ is not a workspace package: resolve fastify as the HTTP adapter resolves it.
const require = createRequire(new URL('../../packages/adapters/http/package.json', import.meta.url));
const { default: Fastify } = (await import(
  pathToFileURL(require.resolve('fastify')).href
)) as typeof import('../../packages/adapters/http/node_modules/fastify/fastify.js');

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
app.post('/echo', async (request, reply) => reply.code(201).send(request.body));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
