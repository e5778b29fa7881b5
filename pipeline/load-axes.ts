import { readFileSync } from 'node:fs';
import { AxisError, parseAxes, type Axis } from './axes.ts';
import { projectFile } from '../config/project-files.ts';

export const DEFAULT_AXES_FILE = projectFile('config/axes.json');

/** Reads and validates an axes file (the project's default when none is given). */
export function loadAxesFile(path: string = DEFAULT_AXES_FILE): Axis[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AxisError(`cannot read the axes file ${path}: ${(err as Error).message}; check STANCE_AXES_FILE`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AxisError(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseAxes(data, path);
}
