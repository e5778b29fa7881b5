import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole-number option, with a message naming the flag. */
export function intOption(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}"`);
    return n;
  };
}

/** A commander parser collecting whole numbers of a variadic option. */
export function listOption(flag: string): (value: string, previous: number[] | undefined) => number[] {
  const one = intOption(flag);
  return (value, previous) => [...(previous ?? []), one(value)];
}
