/** The flags every training command takes for data-parallel runs, each a shorthand for a config key. */
import type { Command } from 'commander';
import { STRATEGY_NAMES } from '../parallel/index.js';

export interface DistributedFlags {
  workers?: string;
  mode?: string;
  onFailure?: string;
  listen?: string;
  tokenFile?: string;
  strategy?: string;
}

export function addDistributedFlags(command: Command): Command {
  return command
    .option('-w, --workers <n>', 'data-parallel workers (same as --set distributed.workers=N)')
    .option('-m, --mode <mode>', 'threads (default), procs, hosts or virtual (same as --set distributed.mode=M)')
    .option('--strategy <type>', `how the workers train together: ${STRATEGY_NAMES.join(', ')} (default ddp); its options with --set strategy.KEY=V (same as --set strategy.type=T)`)
    .option('--on-failure <policy>', 'fail (default), restart from the last checkpoint with the surviving workers, or continue without a lost worker where the strategy can (ps asp/ssp)')
    .option('--listen <host:port>', 'procs/hosts mode: where the coordinator listens for workers')
    .option('--token-file <file>', 'hosts mode: file holding the job token that workers must prove they know');
}

/** `--set` overrides equivalent to the flags given. */
export function distributedOverrides(flags: DistributedFlags): string[] {
  const out: string[] = [];
  if (flags.workers !== undefined) out.push(`distributed.workers=${flags.workers}`);
  if (flags.mode !== undefined) out.push(`distributed.mode=${flags.mode}`);
  if (flags.strategy !== undefined) out.push(`strategy.type=${JSON.stringify(flags.strategy)}`);
  if (flags.onFailure !== undefined) out.push(`distributed.onFailure=${flags.onFailure}`);
  if (flags.listen !== undefined) out.push(`distributed.listen=${JSON.stringify(flags.listen)}`);
  if (flags.tokenFile !== undefined) out.push(`distributed.tokenFile=${JSON.stringify(flags.tokenFile)}`);
  return out;
}
