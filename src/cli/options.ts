/** Commander accumulator for repeatable options such as `--set`. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
