// Random passwords for the accounts DirSync creates (the AAD_ service account, cloud users): long, with every
// character class, so that any complexity policy (AD's, Entra ID's) accepts them. Never logged or stored in clear.
import { randomInt } from 'node:crypto';

// Characters both AD and Entra ID accept in a password (no space, no quote, no backslash: they survive any quoting).
const CHARACTER_CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#$%&()*+,-./:;<=>?@[]^_{|}~'];

export function randomPassword(length = 64): string {
  const alphabet = CHARACTER_CLASSES.join('');
  for (;;) {
    const password = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
    if (CHARACTER_CLASSES.every((characters) => [...password].some((character) => characters.includes(character)))) return password;
  }
}
