/**
 * What reading an app's access request tells the person: the notes of what
 * was ignored (deduplicated, capped, each one line safe to show) and failures
 * as one such line.
 */
import { displayText } from '../model/index.js';

const MAX_NOTES = 40;

export type Result<T> = { kind: 'ok'; value: T } | { kind: 'error'; message: string };
export const ok = <T>(value: T): Result<T> => ({ kind: 'ok', value });
export const fail = <T>(message: string): Result<T> => ({ kind: 'error', message: displayText(message, 400) });

export class Notes {
  private readonly items: string[] = [];
  private dropped = 0;
  add(text: string): void {
    const line = displayText(text, 300);
    if (!line || this.items.includes(line)) return;
    if (this.items.length >= MAX_NOTES) this.dropped++;
    else this.items.push(line);
  }
  list(): string[] {
    return this.dropped > 0 ? [...this.items, `… and ${this.dropped} more things ignored`] : [...this.items];
  }
}
