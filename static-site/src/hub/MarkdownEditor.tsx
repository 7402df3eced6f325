// A markdown editor on CodeMirror 6: markdown highlighting, undo history, soft-wrapped lines, and Tab left to move
// focus on (no key of its own), labelled by the form's label for screen readers. The language is Lezer's markdown
// parser with GitHub's extensions, as CodeMirror's markdown package builds it, without that package: it also bundles
// HTML, CSS and JavaScript parsers for embedded code, about 150 kB compressed more, which a note's editor does not need.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { defaultHighlightStyle, defineLanguageFacet, Language, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { GFM, parser } from '@lezer/markdown';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useRef } from 'react';

const MARKDOWN = new Language(defineLanguageFacet(), parser.configure(GFM), [], 'markdown');

export function MarkdownEditor({ value, onChange, labelledBy }: { value: string; onChange: (value: string) => void; labelledBy: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          MARKDOWN,
          syntaxHighlighting(defaultHighlightStyle),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-labelledby': labelledBy, 'aria-multiline': 'true', role: 'textbox' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) latest.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor is made once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labelledBy]);

  // A value set from outside (the note read again after a conflict) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className="md-editor" data-testid="markdown-editor" />;
}
