import type { Command } from 'commander';
import type { ComputeInfo } from '../../compute/index.js';
import { cpus } from 'node:os';
import { existsSync } from 'node:fs';
import { packageVersion } from '../version.js';


export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show the compute backend, SIMD and threads, the kernels Loom replaces, and the data found')
    .option('--backend <name>', 'backend to initialise: wasm or cpu (default: LOOM_BACKEND or wasm)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { backend?: string; json?: boolean }) => {
      const [{ computeInfo, initBackend }, { DEBIAN_FASHION_MNIST_DIR }] = await Promise.all([import('../../compute/index.js'), import('../../data/index.js')]);
      await initBackend(opts.backend ? { backend: opts.backend } : {});
      const compute = computeInfo();
      const cpu = cpus();
      const info = {
        loom: packageVersion(),
        node: process.version,
        cpu: { model: cpu[0]?.model.trim() ?? 'unknown', cores: cpu.length },
        compute,
        data: { debianFashionMnist: existsSync(DEBIAN_FASHION_MNIST_DIR) ? DEBIAN_FASHION_MNIST_DIR : null },
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const lines = [
        `loom ${info.loom} on Node ${info.node}, ${info.cpu.model} (${info.cpu.cores} cores)`,
        ...describeCompute(compute),
        `Fashion-MNIST (Debian): ${info.data.debianFashionMnist ?? 'not installed (apt-get install dataset-fashion-mnist); the shipped subset is used by `loom demo`'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function describeCompute(compute: ComputeInfo): string[] {
  const lines = [
    `backend: ${compute.backend} (TensorFlow.js ${compute.tfjsVersion}), SIMD ${yesNo(compute.simd)}, ` +
      `multithreaded build ${yesNo(compute.multithread)}, threads ${compute.threads}`,
  ];
  const native = compute.native;
  lines.push(
    native.active
      ? `native kernels: active, ${native.kernel} (${native.simd}): matrix products, convolutions and their gradients, pooling and bias/ReLU gradients and the SGD step run natively, in place on the wasm heap (the kernel list below)`
      : `native kernels: inactive (${native.reason}); matrix products use XNNPACK on WebAssembly`,
  );
  if (compute.replacedKernels.length === 0) {
    lines.push('kernels: TensorFlow.js defaults (no Loom kernels on this backend)');
  } else {
    lines.push('kernels registered by Loom:');
    for (const k of compute.replacedKernels) lines.push(`  ${k.kernel.padEnd(24)} ${k.action.padEnd(9)} ${k.reason}`);
  }
  return lines;
}

function yesNo(flag: boolean): string {
  return flag ? 'yes' : 'no';
}
