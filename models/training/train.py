"""Train the PCB defect detector on the cached DeepPCB pairs.

Usage: python train.py [--epochs 36] [--width 1.0] [--out runs/v1] [--seed 7] [--init ckpt] [--stop-after N]
                       [--split random|groups|none] [--ema 0.998] [--crop 320] [--threads 2]
Keeps the checkpoint with the best validation mAP@0.33 in <out>/best.pt and logs to <out>/log.jsonl.
With `--split none` (every pair trains, nothing validates) best.pt is the last epoch's weights.
With `--ema`, the exponential moving average of the weights is what is validated and saved
(a smoother model for a few cheap multiply-adds per step); <out>/plain.pt keeps the plain weights.
"""
import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import data
from metrics import NAMES, evaluate
from model import Detector, Net, make_input


def focal_loss(logits, gt):
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * (1 - gt) ** 4 * (1 - pos)
    return -(pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1)


def reg_loss(reg, t):
    if len(t) == 0:  # a batch of crops without a defect
        return reg.sum() * 0.0
    b = t[:, 0].long()
    idx = t[:, 1].long()
    n, _, h, w = reg.shape
    pred = reg.reshape(n, 4, h * w)[b, :, idx]
    return F.l1_loss(pred[:, :2], t[:, 2:4]) + F.l1_loss(pred[:, 2:], t[:, 4:6])


@torch.no_grad()
def predict(net, images, indices, batch_size=8):
    det = Detector(net).eval()
    out = []
    for s in range(0, len(indices), batch_size):
        chunk = indices[s:s + batch_size]
        x = torch.from_numpy(np.stack([np.asarray(images[k]) for k in chunk]))
        boxes, scores, cls = det(x[:, :1], x[:, 1:])
        for j, k in enumerate(chunk):
            for bx, sc, c in zip(boxes[j].tolist(), scores[j].tolist(), cls[j].tolist()):
                if sc > 0:
                    out.append((k, sc, c, bx))
    return out


def validate(net, images, boxes, val):
    dets = predict(net, images, val)
    gts = {k: boxes[k] for k in val}
    return evaluate(gts, dets, 0.33, True), evaluate(gts, dets, 0.5, False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=36)
    ap.add_argument('--width', type=float, default=1.0)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--out', default=os.path.join(data.HERE, 'runs', 'v1'))
    ap.add_argument('--val-every', type=int, default=3)
    ap.add_argument('--init', help='start from this checkpoint (e.g. to continue with a new schedule)')
    ap.add_argument('--stop-after', type=int, help='stop (with a checkpoint) after this many epochs of the schedule')
    ap.add_argument('--warmup', type=float, default=1.0, help='warm-up length in epochs')
    ap.add_argument('--split', default='random', help="validation split: random, groups, none or a path (see data.load)")
    ap.add_argument('--ema', type=float, default=0.0, help='weight EMA decay per step (0 = off)')
    ap.add_argument('--crop', type=int, help='train on random crops of this size (multiple of 32): ~(640/crop)^2 times cheaper steps')
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    images, ids, boxes, train, val = data.load(args.split)
    net = Net(args.width)
    if args.init:
        ckpt = torch.load(args.init, map_location='cpu')
        args.width = ckpt['width']
        net = Net(args.width)
        net.load_state_dict(ckpt['state'])
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = len(train) // args.batch
    total = steps_per_epoch * args.epochs
    warm = max(1, int(steps_per_epoch * args.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, total - warm))))
    ema = copy.deepcopy(net).eval() if args.ema else None
    served = ema if ema is not None else net  # the weights that are validated and saved
    best = -1.0
    t0 = time.time()
    log = open(os.path.join(args.out, 'log.jsonl'), 'a')
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(train)
        sums = np.zeros(2)
        for s in range(steps_per_epoch):
            pairs, heat, reg = data.batch(images, boxes, order[s * args.batch:(s + 1) * args.batch], rng, True, args.crop)
            x = torch.from_numpy(pairs)
            h, r = net(make_input(x[:, :1], x[:, 1:]))
            lh = focal_loss(h, torch.from_numpy(heat))
            lr_ = reg_loss(r, torch.from_numpy(reg))
            loss = lh + lr_
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if ema is not None:
                # Ramped decay (as in YOLO/timm): a fixed 0.998 over a few hundred steps would
                # still weigh the random initial weights heavily at the end.
                step = epoch * steps_per_epoch + s
                decay = min(args.ema, (1 + step) / (10 + step))
                with torch.no_grad():
                    for e, p in zip(ema.state_dict().values(), net.state_dict().values()):
                        if e.dtype.is_floating_point:
                            e.mul_(decay).add_(p.detach(), alpha=1 - decay)
                        else:
                            e.copy_(p)
            sums += [lh.item(), lr_.item()]
            if epoch == 0 and s in (4, 19):
                print(json.dumps({'step': s + 1, 'minutes': (time.time() - t0) / 60}), flush=True)
        rec = {'epoch': epoch + 1, 'heat': sums[0] / steps_per_epoch, 'reg': sums[1] / steps_per_epoch,
               'lr': sched.get_last_lr()[0], 'minutes': (time.time() - t0) / 60}
        stopping = args.stop_after is not None and epoch + 1 >= args.stop_after
        checkpoint = {'width': args.width, 'state': served.state_dict(), 'epoch': epoch + 1}
        if ema is not None:  # the plain weights too, to compare with the average
            torch.save({**checkpoint, 'state': net.state_dict()}, os.path.join(args.out, 'plain.pt'))
        if not val:
            torch.save(checkpoint, os.path.join(args.out, 'last.pt'))
            if epoch + 1 == args.epochs or stopping:
                torch.save(checkpoint, os.path.join(args.out, 'best.pt'))
        elif (epoch + 1) % args.val_every == 0 or epoch + 1 == args.epochs or stopping:
            m33, m50 = validate(served, images, boxes, val)
            rec.update({'mAP33': m33['mAP'], 'mAP50': m50['mAP'], 'f1@0.5': m33['f1'],
                        'ap33': dict(zip(NAMES, [round(a, 4) for a in m33['ap']]))})
            torch.save(checkpoint, os.path.join(args.out, 'last.pt'))
            if m33['mAP'] > best:
                best = m33['mAP']
                torch.save({**checkpoint, 'mAP33': best}, os.path.join(args.out, 'best.pt'))
        print(json.dumps(rec), flush=True)
        log.write(json.dumps(rec) + '\n')
        log.flush()
        if stopping:
            break
    print(f'done in {(time.time() - t0) / 60:.1f} min, best val mAP@0.33 {best:.4f}')


if __name__ == '__main__':
    main()
