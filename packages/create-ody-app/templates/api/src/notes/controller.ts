import { inject } from '@ody/core';
import { Controller, Get, NotFoundError, Param } from '@ody/http';
import { type Note, Notes, type NoteStore } from './store.js';

/** Read side of notes as a DI controller: GET /notes, GET /notes/:id. */
@Controller('/notes')
export class NotesController {
  constructor(@inject(Notes) private readonly notes: NoteStore) {}

  @Get()
  list(): Note[] {
    return this.notes.list();
  }

  @Get('/:id')
  show(@Param('id') id: string): Note {
    const note = this.notes.find(Number(id));
    if (!note) throw new NotFoundError(`No note with id ${id}.`);
    return note;
  }
}
