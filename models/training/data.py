"""The cached DeepPCB pairs (see prepare_data.py), the seeded split, augmentation and targets."""
import json
import math
import os

import numpy as np

from model import NUM_CLASSES, STRIDE

HERE = os.path.dirname(os.path.abspath(__file__))


SPLITS = {'random': 'split.json', 'groups': 'split-groups.json'}


def load(split='random'):
    """Returns (images (N,2,640,640) uint8 memmap, ids, boxes per id as (n,5) float arrays,
    train indices, val indices). `split`: 'random' (split.json), 'groups' (split-groups.json,
    whole board groups held out), 'none' (train on every pair, no validation) or a path."""
    cache = os.path.join(HERE, 'cache', 'images.npy')
    if not os.path.exists(cache):
        raise SystemExit(f'{cache} not found: run prepare_data.py first (it needs ../shared/datasets/deeppcb)')
    images = np.load(cache, mmap_mode='r')
    with open(os.path.join(HERE, 'cache', 'boxes.json')) as f:
        meta = json.load(f)
    if split == 'none':
        val_ids = set()
    else:
        with open(os.path.join(HERE, SPLITS.get(split, split))) as f:
            val_ids = set(json.load(f)['val'])
    ids = meta['ids']
    boxes = [np.asarray(meta['boxes'][i], np.float32).reshape(-1, 5) for i in ids]
    val = [k for k, i in enumerate(ids) if i in val_ids]
    train = [k for k, i in enumerate(ids) if i not in val_ids]
    return images, ids, boxes, train, val


def dihedral(pair, boxes, k, flip):
    """Rotate the (2,H,W) pair by k*90 degrees counter-clockwise, then flip left-right if asked;
    defects have no preferred orientation, so all eight are fair views."""
    size = pair.shape[-1]
    b = boxes.copy()
    for _ in range(k):
        # (x, y) -> (y, size - x) for np.rot90 (counter-clockwise)
        x1, y1, x2, y2 = b[:, 0].copy(), b[:, 1].copy(), b[:, 2].copy(), b[:, 3].copy()
        b[:, 0], b[:, 1], b[:, 2], b[:, 3] = y1, size - x2, y2, size - x1
    pair = np.rot90(pair, k, axes=(1, 2))
    if flip:
        pair = pair[:, :, ::-1]
        x1 = b[:, 0].copy()
        b[:, 0] = size - b[:, 2]
        b[:, 2] = size - x1
    return np.ascontiguousarray(pair), b


def targets(boxes, size):
    """CenterNet targets on the stride-8 grid: heatmap (C,h,w) with an elliptical Gaussian per
    box, and per-box (index, dx, dy, log w, log h)."""
    h = w = size // STRIDE
    heat = np.zeros((NUM_CLASSES, h, w), np.float32)
    reg = np.zeros((len(boxes), 5), np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    for n, (x1, y1, x2, y2, c) in enumerate(boxes):
        cx, cy = (x1 + x2) / 2 / STRIDE, (y1 + y2) / 2 / STRIDE
        bw, bh = max(x2 - x1, 1.0) / STRIDE, max(y2 - y1, 1.0) / STRIDE
        ix, iy = min(int(cx), w - 1), min(int(cy), h - 1)
        sx, sy = max(bw / 6, 0.5), max(bh / 6, 0.5)
        g = np.exp(-((xs - ix) ** 2) / (2 * sx * sx) - ((ys - iy) ** 2) / (2 * sy * sy))
        heat[int(c)] = np.maximum(heat[int(c)], g)
        heat[int(c), iy, ix] = 1.0
        reg[n] = [iy * w + ix, cx - ix - 0.5, cy - iy - 0.5, math.log(bw), math.log(bh)]
    return heat, reg


def crop(pair, boxes, size, rng):
    """A random size x size window of the pair, at a multiple of 32 px so the network's stride-32
    grid lines up as on a full image. Keeps the boxes whose centre is inside, clipped to it."""
    x0, y0 = (int(rng.integers((pair.shape[-1] - size) // 32 + 1)) * 32 for _ in range(2))
    b = boxes.copy()
    b[:, [0, 2]] -= x0
    b[:, [1, 3]] -= y0
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    b = b[(cx >= 0) & (cx < size) & (cy >= 0) & (cy < size)]
    b[:, :4] = np.clip(b[:, :4], 0, size)
    return np.ascontiguousarray(pair[:, y0:y0 + size, x0:x0 + size]), b


def batch(images, boxes, indices, rng, augment, crop_size=None):
    pairs, heats, regs = [], [], []
    for b, k in enumerate(indices):
        pair, bx = np.asarray(images[k]), boxes[k]
        if augment:
            pair, bx = dihedral(pair, bx, int(rng.integers(4)), bool(rng.integers(2)))
        if crop_size:
            pair, bx = crop(pair, bx, crop_size, rng)
        heat, reg = targets(bx, pair.shape[-1])
        pairs.append(pair)
        heats.append(heat)
        regs.append(np.concatenate([np.full((len(reg), 1), b, np.float32), reg], axis=1))
    return np.stack(pairs), np.stack(heats), np.concatenate(regs)
