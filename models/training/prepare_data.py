"""Decode the DeepPCB trainval folder once into numpy caches and write the seeded split.

Usage: python prepare_data.py [--data ../../../shared/datasets/deeppcb/trainval] [--seed 20240603]
                              [--holdout-groups 44000,50600,77000]

Writes cache/images.npy (N, 2, 640, 640) uint8 [tested, template], cache/boxes.json
(per id: list of [x1, y1, x2, y2, class_index]) and two validation splits (committed):
- split.json holds out 17 % of the pairs at random (seeded): the same boards as training;
- split-groups.json holds out whole board groups (an id's first five digits), so validation sees
  only boards training never saw: the honest figure for new boards.
The boards of the official test split are not in this folder at all, so that split stays a true
outside check.
"""
import argparse
import json
import os
import random
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'datasets', 'deeppcb', 'trainval'))


def read_boxes(path):
    boxes = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.replace(',', ' ').split()
            if not parts:
                continue
            if len(parts) != 5:
                raise ValueError(f'{path}:{n}: expected "x1 y1 x2 y2 class", got {line!r}')
            x1, y1, x2, y2, c = (int(p) for p in parts)
            boxes.append([x1, y1, x2, y2, c - 1])
    return boxes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=DEFAULT_DATA)
    ap.add_argument('--seed', type=int, default=20240603)
    ap.add_argument('--val-fraction', type=float, default=0.17)
    ap.add_argument('--holdout-groups', default='44000,50600,77000',
                    help='board groups (first five digits of an id) that split-groups.json holds out')
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f'DeepPCB folder not found at {args.data}; pass --data')
    ids = sorted(f[:-4] for f in os.listdir(args.data) if f.endswith('.txt'))
    images = np.zeros((len(ids), 2, 640, 640), dtype=np.uint8)
    boxes = {}
    for i, id_ in enumerate(ids):
        for j, kind in enumerate(('test', 'temp')):
            im = Image.open(os.path.join(args.data, f'{id_}_{kind}.jpg')).convert('L')
            if im.size != (640, 640):
                raise ValueError(f'{id_}_{kind}.jpg is {im.size}, expected 640x640')
            images[i, j] = np.asarray(im)
        boxes[id_] = read_boxes(os.path.join(args.data, f'{id_}.txt'))
    os.makedirs(os.path.join(HERE, 'cache'), exist_ok=True)
    np.save(os.path.join(HERE, 'cache', 'images.npy'), images)
    with open(os.path.join(HERE, 'cache', 'boxes.json'), 'w') as f:
        json.dump({'ids': ids, 'boxes': boxes}, f)
    rng = random.Random(args.seed)
    val = sorted(rng.sample(ids, round(len(ids) * args.val_fraction)))
    with open(os.path.join(HERE, 'split.json'), 'w') as f:
        json.dump({'seed': args.seed, 'method': f'random.Random(seed).sample(sorted ids, round(N * {args.val_fraction}))',
                   'total': len(ids), 'val': val}, f, indent=1)
    groups = sorted(args.holdout_groups.split(','))
    held = [i for i in ids if i[:5] in groups]
    with open(os.path.join(HERE, 'split-groups.json'), 'w') as f:
        json.dump({'groups': groups, 'method': 'every pair whose id starts with a held-out group',
                   'total': len(ids), 'val': held}, f, indent=1)
    print(f'{len(ids)} pairs cached, {len(val)} held out at random (seed {args.seed}), '
          f'{len(held)} in held-out groups {", ".join(groups)}')


if __name__ == '__main__':
    main()
