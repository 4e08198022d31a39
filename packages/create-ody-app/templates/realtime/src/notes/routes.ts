import { z } from '@ody/core';
import type { HttpRouter } from '@ody/http';
import type { NoteStore } from './store.js';

/** What POST /notes accepts; anything else is a 400 problem+json listing each bad field. */
export const NewNote = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(10_000).default(''),
});

/** Write side of notes as a functional route. */
export function noteRoutes(notes: () => NoteStore) {
  return (router: HttpRouter): void => {
    router.post('/notes', { body: NewNote }, (c) => {
      const note = notes().add(NewNote.parse(c.valid.body));
      c.status(201);
      return note;
    });
  };
}
