"""Train the PCB defect detector on the cached DeepPCB pairs.

Usage: python train.py [--epochs 36] [--width 1.0] [--out runs/v1] [--seed 7] [--init ckpt] [--stop-after N]
Keeps the checkpoint with the best validation mAP@0.33 in <out>/best.pt and logs to <out>/log.jsonl.
"""
import argparse
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
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    images, ids, boxes, train, val = data.load()
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
    best = -1.0
    t0 = time.time()
    log = open(os.path.join(args.out, 'log.jsonl'), 'a')
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(train)
        sums = np.zeros(2)
        for s in range(steps_per_epoch):
            pairs, heat, reg = data.batch(images, boxes, order[s * args.batch:(s + 1) * args.batch], rng, True)
            x = torch.from_numpy(pairs)
            h, r = net(make_input(x[:, :1], x[:, 1:]))
            lh = focal_loss(h, torch.from_numpy(heat))
            lr_ = reg_loss(r, torch.from_numpy(reg))
            loss = lh + lr_
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            sums += [lh.item(), lr_.item()]
        rec = {'epoch': epoch + 1, 'heat': sums[0] / steps_per_epoch, 'reg': sums[1] / steps_per_epoch,
               'lr': sched.get_last_lr()[0], 'minutes': (time.time() - t0) / 60}
        stopping = args.stop_after is not None and epoch + 1 >= args.stop_after
        if (epoch + 1) % args.val_every == 0 or epoch + 1 == args.epochs or stopping:
            m33, m50 = validate(net, images, boxes, val)
            rec.update({'mAP33': m33['mAP'], 'mAP50': m50['mAP'], 'f1@0.5': m33['f1'],
                        'ap33': dict(zip(NAMES, [round(a, 4) for a in m33['ap']]))})
            torch.save({'width': args.width, 'state': net.state_dict(), 'epoch': epoch + 1}, os.path.join(args.out, 'last.pt'))
            if m33['mAP'] > best:
                best = m33['mAP']
                torch.save({'width': args.width, 'state': net.state_dict(), 'epoch': epoch + 1, 'mAP33': best},
                           os.path.join(args.out, 'best.pt'))
        print(json.dumps(rec), flush=True)
        log.write(json.dumps(rec) + '\n')
        log.flush()
        if stopping:
            break
    print(f'done in {(time.time() - t0) / 60:.1f} min, best val mAP@0.33 {best:.4f}')


if __name__ == '__main__':
    main()
