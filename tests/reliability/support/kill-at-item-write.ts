/**
 * Preloaded into a child runtime (node --import tsx --import <this>): the
 * process kills itself with SIGKILL at one precise point, when dynalite is
 * about to write a table item whose JSON matches KILL_AT_ITEM_WRITE (a
 * regular expression). dynalite has already written that item's index
 * entries by then (it writes indexes first, then the item, as separate
 * LevelDB puts): this is a crash landing between the two, which a random
 * SIGKILL can hit too, made deterministic.
 */
import { createRequire } from 'node:module';

const pattern = process.env.KILL_AT_ITEM_WRITE;
if (pattern) {
  const re = new RegExp(pattern);
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level') as { Level: { prototype: Record<string, unknown> } };
  const put = Level.prototype._put as (this: unknown, key: unknown, value: unknown, options: unknown) => Promise<void>;
  Level.prototype._put = function (this: unknown, key: unknown, value: unknown, options: unknown) {
    if (String(key).startsWith('item-') && re.test(String(value))) {
      process.stdout.write(`\n[kill-at-item-write] SIGKILL before writing item ${String(key).slice(0, 120)}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    return put.call(this, key, value, options);
  };
}
