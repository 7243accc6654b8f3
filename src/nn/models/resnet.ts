/**
 * Small ResNet (He, Zhang, Ren & Sun 2016, "Deep residual learning for image recognition") for
 * 28x28x1 or 32x32x3 images: stem conv3x3 -> stages of basic blocks (width doubling and stride 2
 * from the second stage, 1x1 projection shortcuts where the shape changes) -> global average
 * pool -> dense.
 *
 * Normalisation is GroupNorm (Wu & He 2018, "Group normalization"), not BatchNorm, on purpose:
 * it keeps no running statistics and normalises each sample on its own, so the output for a
 * sample does not depend on the rest of its batch. Data-parallel training (each worker a slice
 * of the batch) then computes exactly the single-worker gradient, and evaluation needs no
 * train/eval mode switch.
 */
import { LoomError, showValue } from '../../util/index.js';
import type { LayerDef } from '../layer.js';
import type { Activation } from '../layers/activation.js';
import { dense } from '../layers/dense.js';
import { globalAvgPool } from '../layers/pool.js';
import { convNorm, residualBlock } from '../layers/residual-block.js';
import { softmaxCrossEntropy } from '../loss.js';
import { SequentialModel } from '../sequential.js';
import { requireClasses, requireImage, requirePositiveInts, type ModelShape } from './common.js';

export interface ResnetSpec {
  readonly type: 'resnet';
  /** Basic blocks per stage; default [1, 1, 1]. */
  readonly stages?: readonly number[];
  /** Channels of the stem and first stage; default 16. */
  readonly width?: number;
  /** GroupNorm groups; must divide width. Default gcd(width, 8): 8 for the default width 16. */
  readonly groups?: number;
  /** Default relu. */
  readonly activation?: Activation;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function createResnet(spec: ResnetSpec, shape: ModelShape): SequentialModel {
  const stages = spec.stages ?? [1, 1, 1];
  const width = spec.width ?? 16;
  requirePositiveInts('resnet', 'stages', stages);
  requirePositiveInts('resnet', 'width', [width]);
  const groups = spec.groups ?? gcd(width, 8);
  requirePositiveInts('resnet', 'groups', [groups]);
  if (width % groups !== 0) {
    throw new LoomError(`resnet groups ${showValue(groups)} must divide width ${showValue(width)}`);
  }
  if (stages.length === 0) throw new LoomError('resnet stages must list at least one stage, got []');
  requireImage('resnet', shape.inputShape);
  requireClasses('resnet', shape.numClasses);
  const activation = spec.activation ?? 'relu';
  const layers: LayerDef[] = [convNorm({ name: 'stem', filters: width, groups, activation })];
  stages.forEach((blocks, s) => {
    for (let b = 0; b < blocks; b++) {
      layers.push(
        residualBlock({
          name: `stage${s + 1}.block${b + 1}`,
          filters: width * 2 ** s,
          stride: s > 0 && b === 0 ? 2 : 1,
          groups,
          activation,
        }),
      );
    }
  });
  layers.push(globalAvgPool('pool'), dense({ name: 'fc', units: shape.numClasses }));
  return new SequentialModel({
    kind: 'resnet',
    inputShape: shape.inputShape,
    numClasses: shape.numClasses,
    layers,
    head: softmaxCrossEntropy(shape.numClasses),
    seed: shape.seed,
  });
}
