/**
 * A queue an operator works through (proposals to review, providers to
 * onboard): each item leaves the list once acted on, with the outcome
 * announced in a status line, without reloading the rest.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Loaded, StatusMessage } from './feedback.tsx';
import type { Resource } from './resource.ts';

export function WorkQueue<T extends { id: string }>({
  resource,
  empty,
  children,
}: {
  resource: Resource<T[]>;
  /** Shown when nothing is left to act on. */
  empty: string;
  /** One item's card; `onDone(message)` takes it off the queue and announces the message. */
  children: (item: T, onDone: (message: string) => void) => ComponentChildren;
}) {
  const [done, setDone] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState<string | null>(null);
  return (
    <>
      <StatusMessage message={status} />
      <Loaded resource={resource}>
        {(items) => {
          const open = items.filter((x) => !done.has(x.id));
          if (open.length === 0) return <p class="notice">{empty}</p>;
          return (
            <ul class="cards">
              {open.map((x) => (
                <li key={x.id}>
                  {children(x, (message) => {
                    setDone((d) => new Set(d).add(x.id));
                    setStatus(message);
                  })}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </>
  );
}
