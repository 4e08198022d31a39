import { type Application, createApplication, definePlugin } from '@ody/core';
import { httpPlugin } from '@ody/http';
import { NotesController } from './notes/controller.js';
import { noteRoutes } from './notes/routes.js';
import { Notes, NoteStore } from './notes/store.js';

/** Builds the application; tests call it with their own config (e.g. port 0). */
export function createApp(config: Record<string, unknown> = {}): Promise<Application> {
  let store: NoteStore | undefined;
  const notesPlugin = definePlugin({
    name: 'notes',
    register(ctx) {
      store = new NoteStore();
      ctx.bind(Notes).toValue(store);
    },
  });
  return createApplication({
    config: { app: { name: '{{name}}' }, http: { port: 3000 }, ...config },
    plugins: [
      notesPlugin,
      httpPlugin({
        controllers: [NotesController, /* ody:controllers */],
        routes: noteRoutes(() => store as NoteStore),
      }),
      /* ody:plugins */
    ],
  });
}
