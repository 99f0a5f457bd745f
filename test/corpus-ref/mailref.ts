// Shared by the eml and mbox counters: one message read by postal-mime (not mailparser, which Locker uses).
import PostalMime from 'postal-mime';

/** True when postal-mime reads the message (it throws only on what it cannot parse at all). */
export async function messageReadable(raw: Buffer): Promise<boolean> {
  try {
    await PostalMime.parse(raw);
    return true;
  } catch {
    return false;
  }
}
