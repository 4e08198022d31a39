// Extracts the ```ts blocks of a README so tests can typecheck (and run) them.
//
// Markers are HTML comments placed right before a block (blank lines allowed; GitHub and npm do not
// render them):
//   <!-- snippet: fragment — <reason> -->   skip this block; the reason is required and is reported
//   <!-- snippet: run -->                   a complete program: typecheck it, then run it (must exit 0)
//   <!-- snippet: context                   code prepended before typechecking (and running), for names
//   declare function send(x: unknown): Promise<void>;   a fragment uses but does not define
//   -->
// Usage: node scripts/readme-snippets.mjs [README.md ...]   lists the blocks and their markers
import { readFileSync } from 'node:fs';

/**
 * @typedef {{ file: string, line: number, code: string, context: string, run: boolean, fragment?: string }} Snippet
 * `line` is the 1-based line of the opening fence; `fragment` is the reason when the block opts out.
 */

/**
 * @param {string} markdown
 * @param {string} file
 * @returns {Snippet[]}
 */
export function extractSnippets(markdown, file) {
  const lines = markdown.split('\n');
  /** @type {Snippet[]} */
  const snippets = [];
  /** @type {string[]} */
  let comments = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*<!--/.test(line)) {
      let text = line;
      while (!text.includes('-->') && i + 1 < lines.length) text += `\n${lines[++i]}`;
      comments.push(text);
      continue;
    }
    const fence = /^(\s*)(`{3,})\s*(\w*)/.exec(line);
    if (fence) {
      const [, , ticks, lang] = fence;
      const start = i;
      const body = [];
      while (i + 1 < lines.length && !lines[i + 1].trim().startsWith(ticks)) body.push(lines[++i]);
      i++;
      if (lang === 'ts' || lang === 'typescript') snippets.push({ file, line: start + 1, code: body.join('\n'), ...markersOf(comments, file, start + 1) });
      comments = [];
      continue;
    }
    if (line.trim() !== '') comments = [];
  }
  return snippets;
}

/**
 * @param {string[]} comments
 * @param {string} file
 * @param {number} line
 */
function markersOf(comments, file, line) {
  let run = false;
  let context = '';
  /** @type {string | undefined} */
  let fragment;
  for (const comment of comments) {
    const m = /^\s*<!--\s*snippet:\s*([a-z]+)([\s\S]*?)-->/.exec(comment);
    if (!m) continue;
    const [, kind, rest] = m;
    if (kind === 'run') run = true;
    else if (kind === 'context') context += `${rest.trim()}\n`;
    else if (kind === 'fragment') {
      fragment = rest.replace(/^\s*[—–:-]\s*/, '').trim();
      if (!fragment) throw new Error(`${file}:${line}: "snippet: fragment" needs a reason (<!-- snippet: fragment — why -->)`);
    } else throw new Error(`${file}:${line}: unknown snippet marker "${kind}" (fragment, run, context)`);
  }
  return { run, context, fragment };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    for (const s of extractSnippets(readFileSync(file, 'utf8'), file)) {
      const kind = s.fragment ? `fragment (${s.fragment})` : s.run ? 'run' : 'typecheck';
      console.log(`${s.file}:${s.line} ${kind}${s.context ? ' +context' : ''}`);
    }
  }
}
