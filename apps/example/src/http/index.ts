import { z } from '@ody/core';
import { Controller, Get, type HttpRouter, Param } from '@ody/http';

/** A small controller: GET /greetings/:name. */
@Controller('/greetings')
export class GreetingsController {
  @Get('/:name')
  greet(@Param('name') name: string) {
    return { greeting: `Hello, ${name}!` };
  }
}

const NoteSchema = z.object({ title: z.string().min(1), body: z.string().max(1000).default('') });

/** Functional routes: a validated POST (400 problem+json listing bad fields) and a list. */
export function exampleRoutes(router: HttpRouter): void {
  const notes: Array<z.output<typeof NoteSchema> & { id: number }> = [];
  router.post('/notes', { body: NoteSchema }, (ctx) => {
    const note = { id: notes.length + 1, ...ctx.valid.body };
    notes.push(note);
    ctx.status(201);
    return note;
  });
  router.get('/notes', () => notes);
}
