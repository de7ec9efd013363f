#!/usr/bin/env python3
"""Independent Python port of llama2.c run.c encode(), used to obtain the expected ids hard-coded in
Llama2cTokenizerTests. Usage: python3 runc_encode.py path/to/tok512.bin "text" ["text" ...]"""
import struct
import sys


def load(path):
    data = open(path, 'rb').read()
    (max_len,) = struct.unpack_from('<i', data, 0)
    off, vocab, scores = 4, [], []
    while off < len(data):
        score, n = struct.unpack_from('<fi', data, off)
        off += 8
        vocab.append(data[off:off + n])
        scores.append(score)
        off += n
    return vocab, scores


def encode(vocab, scores, text):
    lookup = {}
    for i, v in enumerate(vocab):
        lookup.setdefault(v, i)
    toks = [lookup[b' ']] if text else []
    for ch in text:
        b = ch.encode('utf-8')
        if b in lookup:
            toks.append(lookup[b])
        else:
            toks.extend(x + 3 for x in b)
    while True:
        best, best_id, best_idx = -1e10, -1, -1
        for i in range(len(toks) - 1):
            merged = vocab[toks[i]] + vocab[toks[i + 1]]
            if merged in lookup and scores[lookup[merged]] > best:
                best, best_id, best_idx = scores[lookup[merged]], lookup[merged], i
        if best_idx == -1:
            return toks
        toks[best_idx] = best_id
        del toks[best_idx + 1]


if __name__ == '__main__':
    vocab, scores = load(sys.argv[1])
    for text in sys.argv[2:]:
        ids = encode(vocab, scores, text)
        print(repr(text), ids, [vocab[i] for i in ids])
