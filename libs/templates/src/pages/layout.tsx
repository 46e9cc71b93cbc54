import type { ComponentChildren } from 'preact';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;font-weight:600;margin-top:1rem}textarea,select,input{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
fieldset{margin-top:1rem;border:1px solid #ccc;border-radius:4px}.context{background:#f4f4f5;padding:.6rem;border-radius:4px}
button{margin-top:1.2rem;padding:.6rem 1.4rem;font:inherit;background:#1d4ed8;color:#fff;border:0;border-radius:4px}
.error{background:#fee2e2;border:1px solid #b91c1c;padding:.8rem;border-radius:4px}.ok{background:#dcfce7;border:1px solid #15803d;padding:.8rem;border-radius:4px}
dt{font-weight:600}dd{margin:0 0 .6rem 0}.muted{color:#555}.pre{white-space:pre-wrap}`;

/** The shell every person-facing page shares; `wide` for tables and charts, `style` for a page's own (static) rules. */
export function Layout({ title, wide, style, children }: { title: string; wide?: boolean; style?: string; children: ComponentChildren }) {
  // The style sheets are the templates' own constants, never data.
  const css = `${STYLE}${wide ? 'body{max-width:80rem}' : ''}${style ?? ''}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{`${title} · ismsflow`}</title>
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>{children}</body>
    </html>
  );
}
