import type { ChildProcess } from 'node:child_process';
export function freePort(): Promise<number>;
export function canConnect(port: number): Promise<boolean>;
export function waitTcp(
  port: number,
  child: ChildProcess | null | undefined,
  what: string | (() => string),
): Promise<void>;
