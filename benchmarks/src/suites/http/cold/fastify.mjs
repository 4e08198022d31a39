// Cold start peer (plain JS, no loader): fastify with one schema'd route, logger off.
import Fastify from 'fastify';

const port = Number(process.argv[2]);
const app = Fastify({ logger: false });
const user = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } };
app.get('/users/:id', { schema: { response: { 200: user } } }, async (req) => ({ id: req.params.id, name: `user-${req.params.id}` }));
await app.listen({ port, host: '127.0.0.1' });
