"""Runs the torch-and-numpy-only parts of export_es4r.py on a random release-named checkpoint.

The checkpoint holds the tensors of ES4R_SAFETENSORS (the project's random checkpoint: the ES4R tensors plus the
training-only adapter.lm_head and hidden2emotion), a tiny Qwen-1 LLM with LoRA pairs on c_attn and mlp.w1, and a
Whisper tensor, saved as pytorch_model.bin in two layouts: the release's own LoRA wrapper (`qwen_model.model.`
prefix, the base weight kept at `<module>.weight`, as its plora.py replaces each nn.Linear by a subclass) and
peft's (`qwen_model.base_model.model.` prefix, `<module>.base_layer.weight`). Per layout it checks, against values
computed here with numpy: the ES4R tensors picked by release name (the lm_head left out, nothing else kept, values
unchanged), the LLM name mapping, the LoRA merge W + alpha/r * B @ A, and the Qwen-1 -> Qwen2 split (biases too).
Prints one JSON line; exit 0 when every check holds, 1 otherwise.

    python3 check_export_parts.py ES4R_SAFETENSORS CONFIG_JSON
"""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "es4r-export"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_es4r  # noqa: E402
from check_probe import read_safetensors  # noqa: E402

HIDDEN, HEADS, LAYERS, FFN, VOCAB, RANK, ALPHA = 16, 4, 2, 24, 40, 4, 8
# name -> (prefix of the LLM's tensors, where the LoRA wrapper keeps a module's base weight and bias)
LAYOUTS = {
    "release_plora": ("qwen_model.model.", ""),
    "peft": ("qwen_model.base_model.model.", ".base_layer"),
}
LORA_MODULES = ("attn.c_attn", "mlp.w1")


def random(shape, seed):
    return torch.from_numpy(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def tiny_qwen1(seed, base):
    """A Qwen-1 state dict (c_attn fused q/k/v, w1/w2 halves of the MLP) with LoRA pairs named as the wrapper does."""
    t = {"transformer.wte.weight": random((VOCAB, HIDDEN), seed), "transformer.ln_f.weight": random((HIDDEN,), seed + 1), "lm_head.weight": random((VOCAB, HIDDEN), seed + 2)}
    for i in range(LAYERS):
        p, s = f"transformer.h.{i}", seed + 10 * (i + 1)
        t[f"{p}.ln_1.weight"], t[f"{p}.ln_2.weight"] = random((HIDDEN,), s), random((HIDDEN,), s + 1)
        t[f"{p}.attn.c_attn{base}.weight"], t[f"{p}.attn.c_attn{base}.bias"] = random((3 * HIDDEN, HIDDEN), s + 2), random((3 * HIDDEN,), s + 3)
        t[f"{p}.attn.c_attn.lora_A.default.weight"], t[f"{p}.attn.c_attn.lora_B.default.weight"] = random((RANK, HIDDEN), s + 4), random((3 * HIDDEN, RANK), s + 5)
        t[f"{p}.attn.c_proj.weight"] = random((HIDDEN, HIDDEN), s + 6)
        t[f"{p}.mlp.w1{base}.weight"] = random((FFN, HIDDEN), s + 7)
        t[f"{p}.mlp.w1.lora_A.default.weight"], t[f"{p}.mlp.w1.lora_B.default.weight"] = random((RANK, HIDDEN), s + 8), random((FFN, RANK), s + 9)
        t[f"{p}.mlp.w2.weight"], t[f"{p}.mlp.c_proj.weight"] = random((FFN, HIDDEN), s + 10), random((HIDDEN, FFN), s + 11)
    return t


def check_layout(es4r, config, prefix, base):
    """Saves the checkpoint in one LoRA layout, runs the exporter's torch-only steps on it and checks each result."""
    llm = tiny_qwen1(5, base)
    checkpoint = {**es4r, "whisper_model.conv1.weight": random((4, 80, 3), 4)}
    # The file also holds tensors the app never reads: the adapter's training-only lm_head and hidden2emotion.
    used = {n: v for n, v in es4r.items() if not n.startswith(("adapter.lm_head.", "hidden2emotion."))}
    checkpoint.update({prefix + name: value for name, value in llm.items()})

    checks = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "config.json").write_text(json.dumps(config))
        torch.save(checkpoint, directory / "pytorch_model.bin")
        loaded_config, tensors = export_es4r.load_checkpoint(directory)

    picked = export_es4r.es4r_tensors(tensors)
    checks["es4r_names"] = len(used) < len(es4r) and sorted(picked) == sorted(used)
    checks["es4r_values"] = all(np.array_equal(picked[n].numpy(), used[n].numpy()) for n in used)

    stripped = {export_es4r.strip_llm_prefix(n): v for n, v in tensors.items() if export_es4r.strip_llm_prefix(n) is not None}
    checks["llm_names"] = sorted(stripped) == sorted(llm)
    expected = {}
    scale = ALPHA / RANK
    for i in range(LAYERS):
        for module in (f"transformer.h.{i}.{m}" for m in LORA_MODULES):
            w = llm[f"{module}{base}.weight"].numpy().astype(np.float64)
            a, b = llm[f"{module}.lora_A.default.weight"].numpy(), llm[f"{module}.lora_B.default.weight"].numpy()
            expected[f"{module}.weight"] = w + scale * (b.astype(np.float64) @ a.astype(np.float64))
    lora = export_es4r.merge_lora(stripped, loaded_config["lora_config"], "global", loaded_config["lora_scope"])
    checks["lora_merged_pairs"] = lora["merged"] == len(LORA_MODULES) * LAYERS
    merge_error = max(float(np.abs(stripped[n].numpy() - e).max() / np.abs(e).max()) for n, e in expected.items())
    checks["lora_merge_max_rel"] = merge_error
    checks["lora_leftovers"] = [n for n in stripped if "lora_" in n or "base_layer" in n]

    cfg = export_es4r.qwen2_config(loaded_config["qwen_config"])
    qwen2 = export_es4r.qwen2_weights(stripped, cfg)
    qkv = expected["transformer.h.0.attn.c_attn.weight"]
    qkv_bias = llm[f"transformer.h.0.attn.c_attn{base}.bias"].numpy()
    split_ok = all(
        np.allclose(qwen2[f"model.layers.0.self_attn.{p}_proj.weight"].numpy(), qkv[j * HIDDEN : (j + 1) * HIDDEN], rtol=1e-6, atol=1e-6)
        and np.array_equal(qwen2[f"model.layers.0.self_attn.{p}_proj.bias"].numpy(), qkv_bias[j * HIDDEN : (j + 1) * HIDDEN])
        for j, p in enumerate("qkv")
    )
    gate_ok = np.array_equal(qwen2["model.layers.1.mlp.gate_proj.weight"].numpy(), llm["transformer.h.1.mlp.w2.weight"].numpy())
    checks["qwen2_split"] = bool(split_ok and gate_ok and cfg["intermediate_size"] == FFN)

    ok = checks["es4r_names"] and checks["es4r_values"] and checks["llm_names"] and checks["lora_merged_pairs"] and merge_error <= 1e-6 and not checks["lora_leftovers"] and checks["qwen2_split"]
    checks["ok"] = bool(ok)
    return checks


def main():
    es4r = read_safetensors(sys.argv[1])
    config = json.loads(Path(sys.argv[2]).read_text())
    config["lora_config"] = {"r": RANK, "lora_alpha": ALPHA}
    config["lora_scope"] = "global"
    config["qwen_config"] = {"hidden_size": HIDDEN, "num_attention_heads": HEADS, "num_hidden_layers": LAYERS, "intermediate_size": 2 * FFN, "vocab_size": VOCAB}
    report = {name: check_layout(es4r, config, prefix, base) for name, (prefix, base) in LAYOUTS.items()}
    ok = all(layout["ok"] for layout in report.values())
    print(json.dumps({**report, "ok": ok}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
