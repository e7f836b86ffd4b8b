"""An independent PyTorch reference for `npm run es4r:probe`.

Builds ES4R stages 1-2 from torch's own modules (nn.Conv1d, nn.GLU, nn.GELU, nn.LayerNorm,
nn.MultiheadAttention with key_padding_mask) loaded from a release-named safetensors checkpoint,
runs the same inputs as the probe and compares the probe's front.npy, adapter.npy and fused.npy.
Only torch and numpy are needed. Prints one JSON line; exit 0 when every output agrees within
--rtol (max abs difference over max abs reference value), 1 when one does not, 2 on bad input.

    python3 check_probe.py --weights ckpt.safetensors --config config.json --mel t1.npy t2.npy \
        --encoder-states h.npy --text-embeds e.npy --probe-out DIR [--rtol 1e-4]
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch
from torch import nn

MEL_BINS = 80
AFFECT_HEADS = 16
CFORMER_HEADS = 8  # the release's CFormer never passes its heads: the constructor default
WHISPER_FRAMES = 3000


def read_safetensors(path):
    """The safetensors layout: u64 header length, a JSON header, then raw little-endian tensors."""
    with open(path, "rb") as f:
        blob = f.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']} (only F32 here)")
        start, end = info["data_offsets"]
        array = np.frombuffer(blob[base + start : base + end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


class Subsampler(nn.Module):
    """Three Conv1d(80 -> 160, k5 s2 p2) + GLU, then x + fc2(gelu(fc1(x))) and a LayerNorm."""

    def __init__(self, w):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv1d(MEL_BINS, 2 * MEL_BINS, 5, stride=2, padding=2) for _ in range(3))
        for i, conv in enumerate(self.convs):
            conv.weight.data = w[f"subsample.subsampler.conv_layers.{i}.weight"]
            conv.bias.data = w[f"subsample.subsampler.conv_layers.{i}.bias"]
        self.glu = nn.GLU(dim=1)
        self.fc1 = nn.Linear(MEL_BINS, w["subsample.fc1.weight"].shape[0], bias=False)
        self.fc2 = nn.Linear(w["subsample.fc2.weight"].shape[1], MEL_BINS, bias=False)
        self.fc1.weight.data = w["subsample.fc1.weight"]
        self.fc2.weight.data = w["subsample.fc2.weight"]
        self.gelu = nn.GELU()
        self.ln = nn.LayerNorm(MEL_BINS)
        self.ln.weight.data = w["subsample.speech_ln.weight"]
        self.ln.bias.data = w["subsample.speech_ln.bias"]

    def forward(self, mel):  # [1, 80, T] -> [T', 80]
        x = mel
        for conv in self.convs:
            x = self.glu(conv(x))
        x = x[0].transpose(0, 1)
        return self.ln(x + self.fc2(self.gelu(self.fc1(x))))


def attention(w, prefix, embed, heads):
    mha = nn.MultiheadAttention(embed, heads, batch_first=True)
    mha.in_proj_weight.data = w[f"{prefix}.in_proj_weight"]
    mha.in_proj_bias.data = w[f"{prefix}.in_proj_bias"]
    mha.out_proj.weight.data = w[f"{prefix}.out_proj.weight"]
    mha.out_proj.bias.data = w[f"{prefix}.out_proj.bias"]
    return mha.eval()


class WhisperStyleLayer(nn.Module):
    """Pre-LN encoder layer: h + attn(LN1(h)), then h + fc2(gelu(fc1(LN2(h)))); k_proj has no bias."""

    def __init__(self, w, prefix, d):
        super().__init__()
        q, k, v = (w[f"{prefix}.self_attn.{n}_proj.weight"] for n in "qkv")
        self.attn = nn.MultiheadAttention(d, CFORMER_HEADS, batch_first=True)
        self.attn.in_proj_weight.data = torch.cat([q, k, v])
        bias_k = torch.zeros(d)
        self.attn.in_proj_bias.data = torch.cat([w[f"{prefix}.self_attn.q_proj.bias"], bias_k, w[f"{prefix}.self_attn.v_proj.bias"]])
        self.attn.out_proj.weight.data = w[f"{prefix}.self_attn.out_proj.weight"]
        self.attn.out_proj.bias.data = w[f"{prefix}.self_attn.out_proj.bias"]
        self.attn.eval()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ln1.weight.data, self.ln1.bias.data = w[f"{prefix}.self_attn_layer_norm.weight"], w[f"{prefix}.self_attn_layer_norm.bias"]
        self.ln2.weight.data, self.ln2.bias.data = w[f"{prefix}.final_layer_norm.weight"], w[f"{prefix}.final_layer_norm.bias"]
        f = w[f"{prefix}.fc1.weight"].shape[0]
        self.fc1, self.fc2 = nn.Linear(d, f), nn.Linear(f, d)
        self.fc1.weight.data, self.fc1.bias.data = w[f"{prefix}.fc1.weight"], w[f"{prefix}.fc1.bias"]
        self.fc2.weight.data, self.fc2.bias.data = w[f"{prefix}.fc2.weight"], w[f"{prefix}.fc2.bias"]
        self.gelu = nn.GELU()

    def forward(self, h):  # [1, T, d]
        x = self.ln1(h)
        h = h + self.attn(x, x, x, need_weights=False)[0]
        return h + self.fc2(self.gelu(self.fc1(self.ln2(h))))


def cif(x):
    """Integrate-and-fire, sequentially: alpha = sigmoid(last channel) rescaled to N = max(1, round(sum))."""
    alpha = torch.sigmoid(x[:, -1].double())
    values = x[:, :-1].double()
    n = max(1, int(torch.round(alpha.sum()).item()))
    alpha = alpha * n / alpha.sum()
    fired, current, accumulated = [], torch.zeros(values.shape[1], dtype=torch.float64), 0.0
    for t in range(values.shape[0]):
        remaining = alpha[t].item()
        while len(fired) < n and accumulated + remaining >= 1.0:
            take = 1.0 - accumulated
            fired.append(current + take * values[t])
            current, accumulated, remaining = torch.zeros_like(current), 0.0, remaining - take
        accumulated += remaining
        current = current + remaining * values[t]
    if len(fired) < n:  # rounding left the total a hair under N: the last vector fires at the end
        fired.append(current)
    return torch.stack(fired[:n]).float()


def load_npy(path, what):
    try:
        return torch.from_numpy(np.load(path).astype(np.float32))
    except (OSError, ValueError) as error:
        sys.stderr.write(f"check_probe: cannot read {what} {path}: {error}\n")
        sys.exit(2)


def relative_error(actual, reference):
    scale = float(np.abs(reference).max()) or 1.0
    return float(np.abs(actual - reference).max()) / scale


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--mel", nargs="+", required=True)
    parser.add_argument("--encoder-states", required=True)
    parser.add_argument("--text-embeds", required=True)
    parser.add_argument("--probe-out", required=True)
    parser.add_argument("--rtol", type=float, default=1e-4)
    args = parser.parse_args()
    torch.manual_seed(0)
    w = read_safetensors(args.weights)
    with open(args.config) as f:
        config = json.load(f)
    d = config["whisper_config"]["d_model"]
    llm_heads = config["qwen_config"]["num_attention_heads"]
    llm_hidden = config["qwen_config"]["hidden_size"]

    with torch.no_grad():
        subsampler = Subsampler(w).eval()
        turns = [subsampler(load_npy(p, "log-mel").unsqueeze(0)) for p in args.mel]
        longest = max(t.shape[0] for t in turns)
        padded = torch.zeros(len(turns), longest, MEL_BINS)
        padding = torch.ones(len(turns), longest, dtype=torch.bool)
        for i, t in enumerate(turns):
            padded[i, : t.shape[0]] = t
            padding[i, : t.shape[0]] = False
        affect = attention(w, "self_attn", MEL_BINS, AFFECT_HEADS)
        intra = affect(padded, padded, padded, key_padding_mask=padding, need_weights=False)[0]
        sequence = intra.reshape(1, -1, MEL_BINS)  # the release keeps every turn's padding in the sequence
        sequence_padding = padding.reshape(1, -1)
        inter = affect(sequence, sequence, sequence, key_padding_mask=sequence_padding, need_weights=False)[0]
        front = inter[0].transpose(0, 1)  # [80, L]; Whisper would see it zero-padded to 3000 frames
        assert front.shape[1] <= WHISPER_FRAMES

        real_frames = int((~sequence_padding).sum(-1).item())  # input_lengths = attention_mask.sum(-1)
        kept = (real_frames - 1) // 2 + 1
        states = load_npy(args.encoder_states, "encoder states")[:kept].unsqueeze(0)
        h = states
        pre = sorted({int(k.split(".")[2]) for k in w if k.startswith("adapter.pre_cif_layers.")})
        post = sorted({int(k.split(".")[2]) for k in w if k.startswith("adapter.post_cif_layers.")})
        for i in pre:
            h = WhisperStyleLayer(w, f"adapter.pre_cif_layers.{i}", d)(h)
        fired = cif(h[0])
        cif_proj = nn.Linear(d - 1, d)
        cif_proj.weight.data, cif_proj.bias.data = w["adapter.cif_proj.weight"], w["adapter.cif_proj.bias"]
        h = cif_proj(fired).unsqueeze(0)
        for i in post:
            h = WhisperStyleLayer(w, f"adapter.post_cif_layers.{i}", d)(h)
        embed_proj = nn.Linear(d, llm_hidden)
        embed_proj.weight.data, embed_proj.bias.data = w["adapter.token_embed_proj.weight"], w["adapter.token_embed_proj.bias"]
        adapter = embed_proj(h)  # [1, N, H]

        text = load_npy(args.text_embeds, "text embeddings").unsqueeze(0)
        cross = attention(w, "cross_attn", llm_hidden, llm_heads)
        fused = cross(adapter, text, text, need_weights=False)[0]  # speech queries the text; no residual

    report = {"realFrames": real_frames, "sequenceFrames": int(sequence.shape[1]), "whisperRows": kept, "tokens": int(adapter.shape[1])}
    ok = True
    for name, ours in (("front", front), ("adapter", adapter[0]), ("fused", fused[0])):
        probe = np.load(f"{args.probe_out}/{name}.npy")
        if probe.shape != tuple(ours.shape):
            report[name] = {"shape": list(probe.shape), "expected": list(ours.shape)}
            ok = False
            continue
        error = relative_error(probe, ours.numpy())
        report[name] = {"maxRelativeError": error}
        ok = ok and error <= args.rtol
    report["ok"] = ok
    print(json.dumps(report))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
