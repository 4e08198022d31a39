/** A ```ts block of a README with its markers (see readme-snippets.mjs). */
export interface Snippet {
  file: string;
  line: number;
  code: string;
  context: string;
  run: boolean;
  fragment?: string;
}
/** Every ```ts block of `markdown`, with the markers of the HTML comments right before it. */
export function extractSnippets(markdown: string, file: string): Snippet[];
