import { resolve } from 'node:path';
import { Command } from 'commander';
import { planExperiment, retentionPolicies, sweepRetention, type RetentionPlan } from '../store/retention.js';
import { storeOption, withStore } from './store-option.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

const limits = (p: RetentionPlan) =>
  [p.policy.maxAgeDays !== undefined ? `maxAgeDays=${p.policy.maxAgeDays}` : '', p.policy.maxTraces !== undefined ? `maxTraces=${p.policy.maxTraces}` : ''].filter(Boolean).join(' ') || 'none';

/** `glassbox retention [--dry-run]`: applies (or reports) the retention policy once, right now. */
export function retentionCommand(): Command {
  return storeOption(new Command('retention'))
    .description('Delete traces past their experiment’s retention limits now (tags glassbox.retention.maxAgeDays / maxTraces, else the server defaults)')
    .option('--artifacts-destination <dir>', 'folder of proxied artifacts [GLASSBOX_ARTIFACTS_DESTINATION]')
    .option('--max-age-days <days>', 'default age limit [GLASSBOX_RETENTION_MAX_AGE_DAYS]')
    .option('--max-traces <n>', 'default trace count limit per experiment [GLASSBOX_RETENTION_MAX_TRACES]')
    .option('--dry-run', 'only print what would be deleted, per experiment')
    .action(async (opts: { artifactsDestination?: string; maxAgeDays?: string; maxTraces?: string; dryRun?: boolean }, cmd: Command) =>
      withStore(
        cmd,
        async ({ db }, config) => {
          const defaults = { maxAgeDays: config.retentionMaxAgeDays, maxTraces: config.retentionMaxTraces };
          const plans = await Promise.all((await retentionPolicies(db, defaults)).map((e) => planExperiment(db, e)));
          out('experiment_id\tname\tlimits\ttraces\tby_age\tby_count\twould_delete');
          for (const p of plans) {
            out(`${p.experiment_id}\t${p.name}\t${limits(p)}\t${p.total}\t${p.byAge}\t${p.byCount}\t${p.expired}`);
            for (const tag of p.invalid) process.stderr.write(`warning: experiment ${p.experiment_id} has an invalid ${tag} tag; the server default applies\n`);
          }
          const total = plans.reduce((n, p) => n + p.expired, 0);
          if (opts.dryRun) {
            out(`dry run: ${total} trace(s) would be deleted`);
            return;
          }
          const deleted = await sweepRetention({ db, artifactsRoot: resolve(config.artifactsDestination), defaults });
          out(`deleted ${[...deleted.values()].reduce((n, v) => n + v, 0)} trace(s)`);
        },
        { artifactsDestination: opts.artifactsDestination, retentionMaxAgeDays: opts.maxAgeDays, retentionMaxTraces: opts.maxTraces },
      ),
    );
}
