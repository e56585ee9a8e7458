/**
 * Filling a message: `{name}` takes the value named, and
 * `{name, plural, one {…} other {…}}` picks the form the language's plural
 * rules give for that number, with `#` standing for it ("1 need", "2
 * needs"). Chinese has one form, so its messages use `{name}` alone. The
 * plural form is ICU MessageFormat's syntax, kept to what the console's
 * messages need: the library for all of it, intl-messageformat 12, bundles
 * to 33 KB minified (10 KB gzipped; esbuild, plural use only), a fifth of
 * the console's script, for a handful of messages.
 *
 * Free of the browser's globals, so tests run it as it is.
 */

/** `{count, plural, one {…} other {…}}`: the forms hold no braces. */
const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;
const PLACEHOLDER = /\{(\w+)\}/g;

export function fillMessage(template: string, vars: Readonly<Record<string, string | number>>, rules: Intl.PluralRules): string {
  return template
    .replace(PLURAL, (whole, name: string, one: string, other: string) => {
      const value = vars[name];
      if (typeof value !== 'number') return whole;
      return (rules.select(value) === 'one' ? one : other).replaceAll('#', String(value));
    })
    .replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
