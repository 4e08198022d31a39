import { token } from '@ody/core';

/** A note as the API returns it. */
export interface Note {
  id: number;
  title: string;
  body: string;
}

/** Where notes live; swap the binding for a database-backed one without touching the routes. */
export class NoteStore {
  private readonly notes = new Map<number, Note>();

  add(input: Omit<Note, 'id'>): Note {
    const note = { id: this.notes.size + 1, ...input };
    this.notes.set(note.id, note);
    return note;
  }

  find(id: number): Note | undefined {
    return this.notes.get(id);
  }

  list(): Note[] {
    return [...this.notes.values()];
  }
}

/** DI token of the note store. */
export const Notes = token<NoteStore>('{{name}}/Notes');
