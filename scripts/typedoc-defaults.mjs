// A TypeDoc plugin for the library's `@default` tags, which follow aws-cdk-lib's convention: a value,
// possibly followed by prose (`@default Duration.seconds(30) in both twins`), or `- ` and a description
// (`@default - the image's CMD`). TypeDoc would show either as a TypeScript code block; this shows the
// value as inline code and the rest as text.
import { Converter } from 'typedoc';

/** @param {import('typedoc').CommentDisplayPart[]} parts */
export function defaultParts(parts) {
  const [first, ...rest] = parts;
  if (!first || first.kind !== 'text') return parts;
  const text = first.text.trimStart();
  if (text.startsWith('- ')) return [{ kind: 'text', text: text.slice(2) }, ...rest];
  const match = /^(\S+)([\s\S]*)$/.exec(text);
  if (!match) return parts;
  const [, value, after] = match;
  return [{ kind: 'code', text: `\`${value}\`` }, ...(after ? [{ kind: 'text', text: after }] : []), ...rest];
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      for (const tag of reflection.comment?.blockTags ?? []) {
        if (tag.tag === '@default' || tag.tag === '@defaultValue') tag.content = defaultParts(tag.content);
      }
    }
  });
}
