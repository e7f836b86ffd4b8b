#!/usr/bin/env python3
"""Export a trained ES4R checkpoint (official release, GitHub z786z786/ES4R) for ES4R-web.

Run outside the app, on a machine that holds the checkpoint (a `Blsp2Model` saved by the release's train.py:
config.json + model*.safetensors or pytorch_model*.bin). No trained ES4R weights are public, so it has never run on
one. The parts that need only torch and numpy (reading a .bin checkpoint, picking the ES4R tensors by release name,
the LLM name mapping, the LoRA merge, the Qwen-1 -> Qwen2 split) run in CI on a random checkpoint
(scripts/es4r-torch-check/check_export_parts.py); what needs transformers, safetensors or onnx has not run here.
Every step below says what it assumes; the `export` command re-checks its own numbers when it runs (see "Checks"
in export-report.json).

Needs (pip):  torch==2.5.1  transformers==4.46.3  safetensors==0.4.5  numpy==1.26.4  onnx==1.17.0
Optional:     onnxruntime==1.20.1  (ONNX-vs-PyTorch check, --quantize q4)    tiktoken==0.8.0  (tokenizer check)
Not needed:   peft - the release wraps its LLM in its own `plora.LoraModel` (peft only supplies LoraConfig), so
              peft's merge_and_unload cannot be called on a loaded checkpoint; the LoRA is merged here on the
              tensors, the way merge_and_unload does it (W + alpha/r * B @ A).
              optimum - its causal-LM export reads input_ids into one model.onnx; the speech path needs the
              transformers.js two-session layout (embed_tokens.onnx + decoder_model_merged.onnx taking inputs_embeds),
              written here with torch.onnx.export under transformers.js' input/output names.

Facts from the release's source that this script relies on:
  - Blsp2Model holds whisper_model (HF WhisperEncoder, frozen by the release's training scripts), qwen_model
    (QWenLMHeadModel: the Qwen-1 architecture of Qwen/Qwen-7B-Chat, not Qwen2), subsample, self_attn, adapter
    (CFormer), cross_attn, hidden2emotion (training only).
  - LoRA: r=16, alpha=16 on c_attn,c_proj,w1,w2; `lora_scope` defaults to "audio": the LoRA acts only on the speech
    and suffix positions of the prompt. A single merged LLM is exact only for lora_scope "global" (the release's own
    merge_lora refuses other scopes); see --lora-merge.
  - Qwen-1 maps onto Qwen2 without loss (same RMSNorm, rotate-half RoPE, SwiGLU, q/k/v biases): c_attn splits into
    q/k/v, attn.c_proj = o_proj, mlp.w2 = gate_proj, mlp.w1 = up_proj, mlp.c_proj = down_proj. Qwen-1's dynamic NTK
    and log-n attention scaling only act beyond `seq_length` tokens, so the mapping is exact up to that length.

What transformers.js 4.3.1 does with the LLM written here:
  config.json carries llmLayout.json (keep it next to this script): architectures ["Qwen2VLForConditionalGeneration"],
  model_type "qwen2_vl". AutoModelForCausalLM then loads Qwen2VLForCausalLM in text-only mode: exactly the sessions
  onnx/embed_tokens.onnx and onnx/decoder_model_merged.onnx, position_ids shaped [3, batch, seq] with three equal
  rows for text. The decoder below reads row 0 and applies plain 1-D RoPE, which equals M-RoPE when the rows are
  equal, so the model is the Qwen2 model exactly. Verified in Node on a tiny model in this layout
  (scripts/es4r-export/llmLayout.test.ts: it answers from an embeddings prefix like the tiny pack's Gemma3 layout);
  not run with a real export. Ultravox-style configs do not load text-only (UltravoxModel always wants an
  audio_encoder session).

Usage:
  python3 export_es4r.py export --checkpoint CKPT_DIR --tokenizer QWEN_TOKENIZER_DIR --out OUT_DIR [options]
  python3 export_es4r.py compare --pytorch OUT_DIR/probe/pytorch --web WEB_PROBE_DIR
Run either with --help for the options.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import tempfile
import wave
from pathlib import Path

# Release parameter prefixes that ES4R-web imports (scripts/es4r/checkpoint/releaseNames.ts); the adapter's
# lm_head only trains the CIF and is left out.
ES4R_PREFIXES = ("subsample.", "self_attn.", "adapter.", "cross_attn.")
ES4R_EXCLUDED = ("adapter.lm_head.",)
MEL_BINS = 80
WHISPER_MEL_FRAMES = 3000
# Browsers cap one ArrayBuffer well below 4 GB; external data is split into chunks of at most this size.
EXTERNAL_DATA_CHUNK_BYTES = 1_900_000_000
# The config.json keys that make transformers.js load the LLM text-only (shared with llmLayout.test.ts, which loads
# a tiny model written this way); vision_config.spatial_merge_size is read by Qwen2-VL's position code even for text.
LLM_LAYOUT = json.loads((Path(__file__).resolve().parent / "llmLayout.json").read_text())


class ExportError(Exception):
    """Bad input or a failed check: printed as one line, exit code 2."""


# ------------------------------------------------------------------------------------------------ checkpoint


def load_checkpoint(checkpoint_dir: Path) -> tuple[dict, dict]:
    """config.json and every tensor of a saved Blsp2Model (safetensors preferred over pytorch_model*.bin)."""
    import torch

    config_path = checkpoint_dir / "config.json"
    if not config_path.is_file():
        raise ExportError(f"{checkpoint_dir}: no config.json (expected a directory saved by the release's train.py)")
    config = json.loads(config_path.read_text())
    tensors: dict = {}
    shards = sorted(checkpoint_dir.glob("*.safetensors"))
    if shards:
        from safetensors.torch import load_file  # only here: a pytorch_model*.bin checkpoint needs torch alone

        for shard in shards:
            tensors.update(load_file(str(shard)))
    else:
        bins = sorted(checkpoint_dir.glob("pytorch_model*.bin"))
        if not bins:
            raise ExportError(f"{checkpoint_dir}: no *.safetensors and no pytorch_model*.bin")
        for path in bins:
            tensors.update(torch.load(str(path), map_location="cpu", weights_only=True))
    return config, tensors


def es4r_tensors(tensors: dict) -> dict:
    """The ES4R-only tensors under their release names, as float32 (what `npm run es4r:import` reads)."""
    import torch

    picked = {
        name: t.detach().to(torch.float32).contiguous()
        for name, t in tensors.items()
        if name.startswith(ES4R_PREFIXES) and not name.startswith(ES4R_EXCLUDED)
    }
    for needed in ("subsample.speech_ln.weight", "self_attn.in_proj_weight", "adapter.cif_proj.weight", "cross_attn.in_proj_weight"):
        if needed not in picked:
            raise ExportError(f"checkpoint has no {needed}: not an ES4R (Blsp2Model, CFormer adapter) checkpoint")
    return picked


def write_es4r(out_dir: Path, checkpoint_dir: Path, config: dict, tensors: dict) -> dict:
    from safetensors.torch import save_file

    if config.get("adapter_type", "cformer") != "cformer":
        raise ExportError(f"adapter_type {config.get('adapter_type')!r}: ES4R-web supports the CFormer adapter only")
    picked = es4r_tensors(tensors)
    target = out_dir / "es4r"
    target.mkdir(parents=True, exist_ok=True)
    save_file(picked, str(target / "es4r.safetensors"), metadata={"source": str(checkpoint_dir.resolve())})
    shutil.copyfile(checkpoint_dir / "config.json", target / "config.json")
    return {"tensors": len(picked), "files": ["es4r/es4r.safetensors", "es4r/config.json"]}


# ------------------------------------------------------------------------------------------------ LLM: LoRA merge


def strip_llm_prefix(name: str) -> str | None:
    """`qwen_model.[base_model.][model.]transformer.h.0...` -> `transformer.h.0...`; None for non-LLM tensors."""
    if not name.startswith("qwen_model."):
        return None
    rest = name[len("qwen_model."):]
    while not rest.startswith(("transformer.", "lm_head.")):
        head, _, tail = rest.partition(".")
        if not tail or head not in ("base_model", "model"):
            raise ExportError(f"unexpected LLM tensor name {name}")
        rest = tail
    return rest


def merge_lora(llm: dict, lora_config: dict, mode: str, lora_scope: str) -> dict:
    """Folds every lora_A/lora_B pair into its base weight: W + scale * B @ A (what peft's merge_and_unload does)."""
    import torch

    pattern = re.compile(r"^(?P<base>.+)\.lora_A(?:\.(?P<adapter>[^.]+))?\.weight$")
    pairs = {}
    for name in llm:
        m = pattern.match(name)
        if m:
            b_name = name.replace(".lora_A", ".lora_B", 1)
            if b_name not in llm:
                raise ExportError(f"LoRA tensor {name} has no partner {b_name}")
            pairs[m.group("base")] = (name, b_name)
    if not pairs:
        if lora_config:
            raise ExportError("config.json has a lora_config but the checkpoint holds no lora_A/lora_B tensors")
        return {"merged": 0, "note": "no LoRA in the checkpoint"}
    if mode == "none":
        for a_name, b_name in pairs.values():
            del llm[a_name], llm[b_name]
        return {"merged": 0, "note": "LoRA dropped (--lora-merge none): the base LLM, NOT the trained ES4R LLM"}
    if lora_scope != "global" and mode != "all-positions":
        raise ExportError(
            f"lora_scope is {lora_scope!r}: the release applies the LoRA only at the {lora_scope} positions, so one merged "
            "LLM is not the trained model. Pass --lora-merge all-positions to merge anyway (an approximation) or "
            "--lora-merge none to keep the base LLM; the report records the choice."
        )
    r = lora_config.get("r")
    alpha = lora_config.get("lora_alpha")
    if not r or alpha is None:
        raise ExportError("config.json lora_config lacks r / lora_alpha")
    scale = alpha / math.sqrt(r) if lora_config.get("use_rslora") else alpha / r
    if lora_config.get("fan_in_fan_out"):
        raise ExportError("lora_config.fan_in_fan_out is set: not expected for Qwen-1's nn.Linear layers")
    for base, (a_name, b_name) in pairs.items():
        w_name = f"{base}.weight" if f"{base}.weight" in llm else f"{base}.base_layer.weight"
        if w_name not in llm:
            raise ExportError(f"LoRA {a_name} has no base weight {base}.weight or {base}.base_layer.weight")
        a = llm.pop(a_name).to(torch.float32)
        b = llm.pop(b_name).to(torch.float32)
        w = llm.pop(w_name).to(torch.float32)
        llm[f"{base}.weight"] = w + scale * (b @ a)
        bias = f"{base}.base_layer.bias"
        if bias in llm:
            llm[f"{base}.bias"] = llm.pop(bias)
    note = "exact (lora_scope global)" if lora_scope == "global" else f"APPROXIMATION: lora_scope {lora_scope!r} merged at all positions"
    return {"merged": len(pairs), "scale": scale, "note": note}


# ------------------------------------------------------------------------------------------------ LLM: Qwen-1 -> Qwen2


def qwen2_config(qwen: dict) -> dict:
    """The Qwen2 hyper-parameters of a Qwen-1 (QWenConfig) model; refuses what the mapping cannot carry."""
    hidden, heads = qwen["hidden_size"], qwen["num_attention_heads"]
    problems = []
    if qwen.get("kv_channels", hidden // heads) * heads != hidden:
        problems.append("kv_channels * heads != hidden_size")
    if qwen.get("rotary_pct", 1.0) != 1.0:
        problems.append(f"rotary_pct {qwen.get('rotary_pct')} (only full rotary is mapped)")
    if not qwen.get("no_bias", True):
        problems.append("no_bias false (Qwen2 has no o_proj / MLP biases)")
    if problems:
        raise ExportError("qwen_config cannot map to Qwen2: " + "; ".join(problems))
    return {
        "hidden_size": hidden,
        "intermediate_size": qwen["intermediate_size"] // 2,  # Qwen-1 counts w1 and w2 together
        "num_attention_heads": heads,
        "num_key_value_heads": heads,
        "head_dim": hidden // heads,
        "num_hidden_layers": qwen["num_hidden_layers"],
        "vocab_size": qwen["vocab_size"],
        "rms_norm_eps": qwen.get("layer_norm_epsilon", 1e-6),
        "rope_theta": float(qwen.get("rotary_emb_base", 10000)),
        # Beyond seq_length Qwen-1 switches on dynamic NTK and log-n scaling, which Qwen2 does not have.
        "max_position_embeddings": qwen.get("seq_length", 2048),
        "tie_word_embeddings": False,
    }


def qwen2_weights(llm: dict, cfg: dict) -> dict:
    """Qwen-1 tensor names -> Qwen2ForCausalLM names (float32)."""
    import torch

    h = cfg["hidden_size"]
    out = {}

    def take(name):
        if name not in llm:
            raise ExportError(f"LLM tensor {name} missing")
        return llm[name].to(torch.float32)

    out["model.embed_tokens.weight"] = take("transformer.wte.weight")
    out["model.norm.weight"] = take("transformer.ln_f.weight")
    out["lm_head.weight"] = take("lm_head.weight")
    for i in range(cfg["num_hidden_layers"]):
        src, dst = f"transformer.h.{i}", f"model.layers.{i}"
        qkv_w, qkv_b = take(f"{src}.attn.c_attn.weight"), take(f"{src}.attn.c_attn.bias")
        for j, proj in enumerate(("q_proj", "k_proj", "v_proj")):
            out[f"{dst}.self_attn.{proj}.weight"] = qkv_w[j * h:(j + 1) * h].contiguous()
            out[f"{dst}.self_attn.{proj}.bias"] = qkv_b[j * h:(j + 1) * h].contiguous()
        out[f"{dst}.self_attn.o_proj.weight"] = take(f"{src}.attn.c_proj.weight")
        out[f"{dst}.input_layernorm.weight"] = take(f"{src}.ln_1.weight")
        out[f"{dst}.post_attention_layernorm.weight"] = take(f"{src}.ln_2.weight")
        out[f"{dst}.mlp.gate_proj.weight"] = take(f"{src}.mlp.w2.weight")  # Qwen-1: w1(x) * silu(w2(x))
        out[f"{dst}.mlp.up_proj.weight"] = take(f"{src}.mlp.w1.weight")
        out[f"{dst}.mlp.down_proj.weight"] = take(f"{src}.mlp.c_proj.weight")
    return out


# ------------------------------------------------------------------------------------------------ LLM: ONNX graphs


def decoder_module(weights: dict, cfg: dict, layers: int | None = None):
    """A Qwen2 decoder written with plain torch ops (so torch.onnx.export traces it without transformers' cache
    classes), with transformers.js' decoder_model_merged contract:
      inputs  inputs_embeds [batch, seq, H], attention_mask [batch, past+seq] int64, position_ids [3, batch, seq],
              past_key_values.{i}.key/value [batch, kv_heads, past, head_dim], num_logits_to_keep [] int64 (0 = all)
      outputs logits [batch, kept, vocab], present.{i}.key/value [batch, kv_heads, past+seq, head_dim]"""
    import torch
    from torch import nn

    n_layers = cfg["num_hidden_layers"] if layers is None else layers
    heads, kv_heads, hd = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            # Linear weights stored as [in, out] so the graph holds plain MatMul initializers (what MatMulNBits quantizes).
            self.w = nn.ParameterDict({
                k.replace(".", "__"): nn.Parameter(v.T.contiguous() if self._linear(k) else v, requires_grad=False)
                for k, v in weights.items()
                if self._used(k)
            })
            self.register_buffer("inv_freq", 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd), persistent=False)

        @staticmethod
        def _linear(name):
            return name.endswith("proj.weight") or name == "lm_head.weight"

        @staticmethod
        def _used(name):
            m = re.match(r"model\.layers\.(\d+)\.", name)
            return m is None or int(m.group(1)) < n_layers

        def p(self, name):
            return self.w[name.replace(".", "__")]

        def rms(self, x, name):
            return self.p(name) * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

        def forward(self, inputs_embeds, attention_mask, position_ids, num_logits_to_keep, *past):
            bsz, seq, _ = inputs_embeds.shape
            past_len = past[0].shape[2]
            # The three M-RoPE rows are equal for text; row 0 gives plain 1-D RoPE.
            freqs = position_ids[0].to(torch.float32)[..., None] * self.inv_freq  # [B, S, hd/2]
            emb = torch.cat((freqs, freqs), dim=-1)[:, None]  # [B, 1, S, hd]
            cos, sin = emb.cos(), emb.sin()

            def rope(t):
                t1, t2 = t[..., : hd // 2], t[..., hd // 2:]
                return t * cos + torch.cat((-t2, t1), dim=-1) * sin

            total = past_len + seq
            key_pos = torch.arange(total)[None, :]
            query_pos = (torch.arange(seq) + past_len)[:, None]
            allowed = (key_pos <= query_pos)[None, None] & attention_mask.bool()[:, None, None, :]
            bias = torch.where(allowed, torch.zeros((), dtype=torch.float32), torch.full((), torch.finfo(torch.float32).min))

            x = inputs_embeds
            presents = []
            for i in range(n_layers):
                L = f"model.layers.{i}"
                h = self.rms(x, f"{L}.input_layernorm.weight")
                q = (h @ self.p(f"{L}.self_attn.q_proj.weight") + self.p(f"{L}.self_attn.q_proj.bias")).view(bsz, seq, heads, hd).transpose(1, 2)
                k = (h @ self.p(f"{L}.self_attn.k_proj.weight") + self.p(f"{L}.self_attn.k_proj.bias")).view(bsz, seq, kv_heads, hd).transpose(1, 2)
                v = (h @ self.p(f"{L}.self_attn.v_proj.weight") + self.p(f"{L}.self_attn.v_proj.bias")).view(bsz, seq, kv_heads, hd).transpose(1, 2)
                k = torch.cat((past[2 * i], rope(k)), dim=2)
                v = torch.cat((past[2 * i + 1], v), dim=2)
                presents += [k, v]
                group = heads // kv_heads
                kk, vv = (k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)) if group > 1 else (k, v)
                scores = rope(q) @ kk.transpose(-1, -2) / math.sqrt(hd) + bias
                context = (scores.softmax(-1) @ vv).transpose(1, 2).reshape(bsz, seq, heads * hd)
                x = x + context @ self.p(f"{L}.self_attn.o_proj.weight")
                h = self.rms(x, f"{L}.post_attention_layernorm.weight")
                gate = h @ self.p(f"{L}.mlp.gate_proj.weight")
                up = h @ self.p(f"{L}.mlp.up_proj.weight")
                x = x + (torch.nn.functional.silu(gate) * up) @ self.p(f"{L}.mlp.down_proj.weight")
            # Sizes stay tensors here so the traced graph keeps them dynamic.
            seq_len = torch.ones_like(num_logits_to_keep) * x.shape[1]
            keep = torch.where(num_logits_to_keep > 0, num_logits_to_keep, seq_len)
            x = self.rms(x.index_select(1, torch.arange(seq_len - keep, seq_len)), "model.norm.weight")
            return (x @ self.p("lm_head.weight"), *presents)

    return Decoder().eval()


def decoder_io_names(n_layers: int) -> tuple[list, list, dict]:
    past = [f"past_key_values.{i}.{kind}" for i in range(n_layers) for kind in ("key", "value")]
    present = [f"present.{i}.{kind}" for i in range(n_layers) for kind in ("key", "value")]
    inputs = ["inputs_embeds", "attention_mask", "position_ids", "num_logits_to_keep", *past]
    axes = {
        "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {1: "batch_size", 2: "sequence_length"},
        "logits": {0: "batch_size", 1: "kept_length"},
    }
    axes.update({name: {0: "batch_size", 2: "past_sequence_length"} for name in past})
    axes.update({name: {0: "batch_size", 2: "total_sequence_length"} for name in present})
    return inputs, ["logits", *present], axes


def decoder_sample(cfg: dict, seq: int, past_len: int, n_layers: int, seed: int = 0):
    import torch

    g = torch.Generator().manual_seed(seed)
    kv, hd = cfg["num_key_value_heads"], cfg["head_dim"]
    embeds = torch.randn(1, seq, cfg["hidden_size"], generator=g) * 0.02
    mask = torch.ones(1, past_len + seq, dtype=torch.int64)
    positions = (torch.arange(seq) + past_len)[None].repeat(3, 1)[:, None, :]
    past = [torch.randn(1, kv, past_len, hd, generator=g) for _ in range(2 * n_layers)]
    return (embeds, mask, positions, torch.tensor(0, dtype=torch.int64), *past)


def check_decoder_against_transformers(weights: dict, cfg: dict, layers: int) -> float:
    """Our decoder vs transformers' own Qwen2ForCausalLM on the first `layers` layers: prefill then one cached step."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    small = dict(cfg, num_hidden_layers=layers)
    ref = Qwen2ForCausalLM(Qwen2Config(**small, attn_implementation="eager")).eval()
    state = {k: v for k, v in weights.items() if not re.match(r"model\.layers\.(\d+)\.", k) or int(k.split(".")[2]) < layers}
    ref.load_state_dict(state, strict=True)
    ours = decoder_module(weights, cfg, layers)
    g = torch.Generator().manual_seed(1)
    embeds = torch.randn(1, 6, cfg["hidden_size"], generator=g) * 0.02
    with torch.no_grad():
        full = ref(inputs_embeds=embeds, use_cache=False).logits
        empty = [torch.zeros(1, cfg["num_key_value_heads"], 0, cfg["head_dim"]) for _ in range(2 * layers)]
        pos = torch.arange(5)[None].repeat(3, 1)[:, None, :]
        first = ours(embeds[:, :5], torch.ones(1, 5, dtype=torch.int64), pos, torch.tensor(0), *empty)
        pos = torch.tensor([[[5]]]).repeat(3, 1, 1)
        step = ours(embeds[:, 5:], torch.ones(1, 6, dtype=torch.int64), pos, torch.tensor(0), *first[1:])
    mine = torch.cat((first[0], step[0]), dim=1)
    return float((mine - full).abs().max() / full.abs().max())


def save_onnx_in_chunks(source_path: Path, model_path: Path) -> int:
    """Writes the model at source_path (external data beside it, in any layout) to model_path with its weights in
    <name>_data, <name>_data_1, ... (each under the chunk limit): the naming transformers.js reads with
    use_external_data_format = chunk count. Returns the count (0: weights inline)."""
    import onnx
    from onnx.external_data_helper import set_external_data

    model = onnx.load(str(source_path), load_external_data=True)
    chunk, offset, handle = 0, 0, None
    base = model_path.name
    for tensor in model.graph.initializer:
        if not tensor.HasField("raw_data") or len(tensor.raw_data) < 1024:
            continue
        data = tensor.raw_data
        if handle is None or offset + len(data) > EXTERNAL_DATA_CHUNK_BYTES:
            if handle:
                handle.close()
                chunk += 1
            location = f"{base}_data" if chunk == 0 else f"{base}_data_{chunk}"
            handle, offset = open(model_path.parent / location, "wb"), 0
        set_external_data(tensor, location=location, offset=offset, length=len(data))
        handle.write(data)
        offset += len(data)
        tensor.ClearField("raw_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
    if handle:
        handle.close()
    onnx.save_model(model, str(model_path))
    return chunk + 1 if handle else 0


def export_llm(out_dir: Path, weights: dict, cfg: dict, quantize: str, report: dict) -> None:
    import torch

    onnx_dir = out_dir / "llm" / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    n = cfg["num_hidden_layers"]

    class EmbedTokens(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.table = torch.nn.Parameter(weights["model.embed_tokens.weight"], requires_grad=False)

        def forward(self, input_ids):
            return self.table[input_ids]

    ids = torch.tensor([[1, 2, 3]], dtype=torch.int64)
    inputs, outputs, axes = decoder_io_names(n)
    decoder = decoder_module(weights, cfg)
    chunks = {}
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        raw = Path(tmp)
        torch.onnx.export(
            EmbedTokens(), (ids,), str(raw / "embed_tokens.onnx"), input_names=["input_ids"], output_names=["inputs_embeds"],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "sequence_length"}, "inputs_embeds": {0: "batch_size", 1: "sequence_length"}},
            opset_version=17,
        )
        chunks["embed_tokens.onnx"] = save_onnx_in_chunks(raw / "embed_tokens.onnx", onnx_dir / "embed_tokens.onnx")
        (raw / "decoder").mkdir()
        with torch.no_grad():
            torch.onnx.export(
                decoder, decoder_sample(cfg, 3, 2, n), str(raw / "decoder" / "decoder_model_merged.onnx"),
                input_names=inputs, output_names=outputs, dynamic_axes=axes, opset_version=17,
            )
        chunks["decoder_model_merged.onnx"] = save_onnx_in_chunks(raw / "decoder" / "decoder_model_merged.onnx", onnx_dir / "decoder_model_merged.onnx")
    report["checks"]["llm_onnx_vs_pytorch_max_rel"] = check_onnx_decoder(onnx_dir / "decoder_model_merged.onnx", decoder, cfg)
    if quantize == "q4":
        chunks.update(quantize_q4(onnx_dir))
    report["llm_external_data"] = {k: v for k, v in chunks.items() if v > 0}


def check_onnx_decoder(path: Path, decoder, cfg: dict) -> float | str:
    """onnxruntime (CPU) vs the PyTorch decoder on a prefill with an empty cache, the way transformers.js starts."""
    try:
        import onnxruntime as ort
    except ImportError:
        return "skipped (onnxruntime not installed)"
    import torch

    sample = decoder_sample(cfg, 4, 0, cfg["num_hidden_layers"], seed=2)
    with torch.no_grad():
        expected = decoder(*sample)[0].numpy()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    got = session.run(["logits"], {name: t.numpy() for name, t in zip(names, sample)})[0]
    return float(abs(got - expected).max() / abs(expected).max())


def quantize_q4(onnx_dir: Path) -> dict:
    """MatMul weights to 4 bits (onnxruntime's MatMulNBits), written as decoder_model_merged_q4.onnx (+ chunks),
    the file transformers.js loads for dtype 'q4'. embed_tokens has no MatMul: its q4 file is a copy."""
    from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer
    import onnx

    chunks = {}
    source = onnx.load(str(onnx_dir / "decoder_model_merged.onnx"), load_external_data=True)
    quantizer = MatMul4BitsQuantizer(source, block_size=32, is_symmetric=True)
    quantizer.process()
    with tempfile.TemporaryDirectory(dir=onnx_dir) as tmp:
        raw = Path(tmp) / "decoder_model_merged_q4.onnx"
        quantizer.model.save_model_to_file(str(raw), use_external_data_format=True)
        chunks[raw.name] = save_onnx_in_chunks(raw, onnx_dir / raw.name)
    chunks["embed_tokens_q4.onnx"] = save_onnx_in_chunks(onnx_dir / "embed_tokens.onnx", onnx_dir / "embed_tokens_q4.onnx")
    return chunks


def write_llm_configs(out_dir: Path, cfg: dict, tokenizer_dir: Path, external: dict, lora: dict, checkpoint_dir: Path) -> None:
    llm_dir = out_dir / "llm"
    tok = json.loads((tokenizer_dir / "tokenizer_config.json").read_text())
    specials = {t["content"]: int(i) for i, t in tok.get("added_tokens_decoder", {}).items()}
    im_end, endoftext = specials.get("<|im_end|>"), specials.get("<|endoftext|>")
    if im_end is None or endoftext is None:
        raise ExportError(f"{tokenizer_dir}: tokenizer_config.json declares no <|im_end|> / <|endoftext|> (need a Qwen ChatML tokenizer)")
    config = {
        **LLM_LAYOUT,
        **cfg,
        "rope_scaling": {"type": "mrope", "mrope_section": [cfg["head_dim"] // 2, 0, 0]},
        "bos_token_id": None,
        "eos_token_id": [im_end, endoftext],
        "pad_token_id": endoftext,
        "transformers.js_config": {"use_external_data_format": external} if external else {},
        "es4r_web": {
            "source": str(checkpoint_dir.resolve()),
            "converted_from": "Qwen-1 (QWenLMHeadModel) of an ES4R release checkpoint, mapped to Qwen2",
            "layout": "text-only Qwen2-VL: embed_tokens + decoder_model_merged; position_ids row 0 = 1-D RoPE",
            "lora": lora,
        },
    }
    (llm_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    generation = {"eos_token_id": [im_end, endoftext], "pad_token_id": endoftext, "do_sample": False, "max_new_tokens": 128}
    (llm_dir / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(tokenizer_dir / name, llm_dir / name)


def check_tokenizer(tokenizer_dir: Path, checkpoint_dir: Path, vocab_size: int) -> str:
    """The HF tokenizer must encode like the release's Qwen-1 tiktoken vocabulary (qwen.tiktoken in the checkpoint)."""
    from tokenizers import Tokenizer

    hf = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    if hf.get_vocab_size(with_added_tokens=True) > vocab_size:
        raise ExportError(f"{tokenizer_dir}: {hf.get_vocab_size()} tokens exceed the LLM's vocab_size {vocab_size}")
    ranks_file = checkpoint_dir / "qwen.tiktoken"
    try:
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe
    except ImportError:
        return "not checked (tiktoken not installed)"
    if not ranks_file.is_file():
        return f"not checked (no {ranks_file.name} in the checkpoint)"
    pattern = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
    release = tiktoken.Encoding("qwen", pat_str=pattern, mergeable_ranks=load_tiktoken_bpe(str(ranks_file)), special_tokens={})
    samples = ["I lost my job today and I don't know what to do.", "It's been 3 weeks... really?!  Ok.\n\nThanks", "Café naïve 你好"]
    for text in samples:
        if hf.encode(text, add_special_tokens=False).ids != release.encode(text):
            raise ExportError(f"{tokenizer_dir}: encodes {text!r} differently from the checkpoint's qwen.tiktoken")
    return f"agrees with qwen.tiktoken on {len(samples)} samples"


# ------------------------------------------------------------------------------------------------ Whisper


def whisper_encoder(config: dict, tensors: dict):
    import torch
    from transformers import WhisperConfig
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

    encoder = WhisperEncoder(WhisperConfig(**config["whisper_config"])).eval()
    state = {k[len("whisper_model."):]: v.to(torch.float32) for k, v in tensors.items() if k.startswith("whisper_model.")}
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    if missing or [u for u in unexpected if "embed_positions" not in u]:
        raise ExportError(f"whisper_model tensors do not fit WhisperEncoder: missing {missing[:4]}, unexpected {unexpected[:4]}")
    return encoder


def handle_whisper(out_dir: Path, config: dict, tensors: dict, reference: str | None, force_export: bool, report: dict) -> None:
    """Names the stock Whisper the checkpoint froze, or exports the checkpoint's encoder when it differs."""
    import torch

    name = config["whisper_config"].get("_name_or_path") or "(not recorded)"
    verdict = {"release_whisper": name}
    if reference:
        from transformers import WhisperModel

        stock = WhisperModel.from_pretrained(reference).encoder.state_dict()
        diffs = []
        for key, value in stock.items():
            ours = tensors.get(f"whisper_model.{key}")
            if ours is None:
                raise ExportError(f"checkpoint lacks whisper_model.{key} that {reference} has")
            exact = float((ours.to(torch.float32) - value.to(torch.float32)).abs().max())
            rounded = float((ours.to(torch.float32) - value.to(ours.dtype).to(torch.float32)).abs().max())
            diffs.append((exact, rounded))
        verdict["reference"] = reference
        verdict["max_abs_diff"] = max(d[0] for d in diffs)
        verdict["max_abs_diff_after_rounding_reference_to_checkpoint_dtype"] = max(d[1] for d in diffs)
        verdict["equals_reference"] = verdict["max_abs_diff_after_rounding_reference_to_checkpoint_dtype"] == 0.0
    if force_export or not verdict.get("equals_reference", False):
        target = out_dir / "whisper-encoder" / "onnx"
        target.mkdir(parents=True, exist_ok=True)
        features = torch.zeros(1, MEL_BINS, WHISPER_MEL_FRAMES)
        with torch.no_grad(), tempfile.TemporaryDirectory(dir=out_dir) as tmp:
            raw = Path(tmp) / "encoder_model.onnx"
            torch.onnx.export(
                whisper_encoder(config, tensors), (features,), str(raw),
                input_names=["input_features"], output_names=["last_hidden_state"],
                dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}}, opset_version=17,
            )
            save_onnx_in_chunks(raw, target / "encoder_model.onnx")
        verdict["exported"] = "whisper-encoder/onnx/encoder_model.onnx (replace encoder_model.onnx in a copy of the stock transformers.js Whisper of the same size)"
    report["whisper"] = verdict


# ------------------------------------------------------------------------------------------------ probe


def read_wav_16k(path: Path):
    import numpy as np

    with wave.open(str(path)) as w:
        if w.getframerate() != 16000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise ExportError(f"{path}: need 16 kHz mono 16-bit PCM WAV (e.g. sox in.wav -r 16000 -c 1 -b 16 out.wav)")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0


def turn_log_mel(audio, extractor):
    """The release's per-turn input: Whisper log-mel of the turn padded to 30 s, cut to the turn's frames."""
    feats = extractor(audio, sampling_rate=16000, return_tensors="np", return_attention_mask=True)
    valid = int(feats["attention_mask"][0].sum())
    return feats["input_features"][0][:, :valid].astype("float32")


def cif(hidden, threshold=1.0):
    """Integrate-and-fire at inference on [T, d]: alpha = sigmoid(last channel) rescaled to sum N = max(1, round(sum));
    the other channels are accumulated with weight alpha and a vector fires at every whole unit of weight."""
    import torch

    alphas = torch.sigmoid(hidden[:, -1])
    count = max(1, int(torch.round(alphas.sum())))
    alphas = alphas * (count / alphas.sum())
    values = hidden[:, :-1]
    fired, current, accumulated = [], torch.zeros(values.shape[1]), 0.0
    for t in range(values.shape[0]):
        remaining = float(alphas[t])
        while len(fired) < count and accumulated + remaining >= threshold:
            take = threshold - accumulated
            fired.append(current + take * values[t])
            current, accumulated, remaining = torch.zeros(values.shape[1]), 0.0, remaining - take
        accumulated += remaining
        current = current + remaining * values[t]
    if len(fired) < count:
        fired.append(current)  # rounding left the total just short of N
    return torch.stack(fired[:count])


def write_probe(out_dir: Path, config: dict, tensors: dict, wavs: list, history: str, tokenizer_dir: Path | None, embed_table) -> dict:
    """Probe inputs for `npm run es4r:probe` and the PyTorch outputs to compare with (probe/pytorch/*.npy), computed
    in float32 with torch's own nn.MultiheadAttention and transformers' WhisperEncoder / WhisperEncoderLayer."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from transformers import WhisperConfig, WhisperFeatureExtractor
    from transformers.models.whisper.modeling_whisper import WhisperEncoderLayer

    probe, ref = out_dir / "probe", out_dir / "probe" / "pytorch"
    ref.mkdir(parents=True, exist_ok=True)
    t = {k: v.to(torch.float32) for k, v in es4r_tensors(tensors).items()}
    extractor = WhisperFeatureExtractor(feature_size=MEL_BINS)

    def mha(prefix, embed, heads):
        m = torch.nn.MultiheadAttention(embed, heads, batch_first=True).eval()
        m.load_state_dict({k[len(prefix):]: v for k, v in t.items() if k.startswith(prefix)})
        return m

    turns, mel_files = [], []
    with torch.no_grad():
        for i, path in enumerate(wavs):
            mel = turn_log_mel(read_wav_16k(Path(path)), extractor)
            np.save(probe / f"turn{i + 1}.npy", mel)
            mel_files.append(str(probe / f"turn{i + 1}.npy"))
            x = torch.from_numpy(mel)[None]  # [1, 80, T]
            for j in range(3):
                x = F.glu(F.conv1d(x, t[f"subsample.subsampler.conv_layers.{j}.weight"], t[f"subsample.subsampler.conv_layers.{j}.bias"], stride=2, padding=2), dim=1)
            x = x.transpose(1, 2)[0]  # [T', 80]
            x = x + F.gelu(x @ t["subsample.fc1.weight"].T) @ t["subsample.fc2.weight"].T
            turns.append(F.layer_norm(x, (MEL_BINS,), t["subsample.speech_ln.weight"], t["subsample.speech_ln.bias"], 1e-5))
        longest = max(len(x) for x in turns)
        padded = torch.stack([F.pad(x, (0, 0, 0, longest - len(x))) for x in turns])  # [turns, longest, 80]
        pad_mask = torch.stack([torch.arange(longest) >= len(x) for x in turns])  # True = padding
        affect = mha("self_attn.", MEL_BINS, 16)
        intra = affect(padded, padded, padded, key_padding_mask=pad_mask, need_weights=False)[0]
        seq = intra.reshape(1, -1, MEL_BINS)
        front = affect(seq, seq, seq, key_padding_mask=pad_mask.reshape(1, -1), need_weights=False)[0][0]  # [L, 80]
        length = front.shape[0]
        if length > WHISPER_MEL_FRAMES:
            raise ExportError(f"the probe turns make {length} frames, more than Whisper's {WHISPER_MEL_FRAMES}")
        np.save(ref / "front.npy", front.T.contiguous().numpy())
        pseudo_mel = F.pad(front.T, (0, WHISPER_MEL_FRAMES - length))[None]
        states = whisper_encoder(config, tensors)(pseudo_mel).last_hidden_state[0]  # [1500, d]
        np.save(probe / "encoder_states.npy", states.numpy())
        kept = states[: (length - 1) // 2 + 1]

        wcfg = dict(config["whisper_config"], encoder_attention_heads=8)  # CFormer's fixed 8 heads

        def layers(prefix, count):
            out = []
            for i in range(count):
                layer = WhisperEncoderLayer(WhisperConfig(**wcfg)).eval()
                layer.load_state_dict({k[len(f"{prefix}.{i}."):]: v for k, v in t.items() if k.startswith(f"{prefix}.{i}.")})
                out.append(layer)
            return out

        h = kept[None]
        for layer in layers("adapter.pre_cif_layers", config.get("num_pre_cif_layers", 4)):
            h = layer(h, None, layer_head_mask=None)[0]
        h = cif(h[0]) @ t["adapter.cif_proj.weight"].T + t["adapter.cif_proj.bias"]
        h = h[None]
        for layer in layers("adapter.post_cif_layers", config.get("num_post_cif_layers", 4)):
            h = layer(h, None, layer_head_mask=None)[0]
        speech = h[0] @ t["adapter.token_embed_proj.weight"].T + t["adapter.token_embed_proj.bias"]
        np.save(ref / "adapter.npy", speech.numpy())

        result = {"mel": mel_files, "encoder_states": str(probe / "encoder_states.npy"), "front_frames": length, "tokens": speech.shape[0]}
        if history and tokenizer_dir is not None and embed_table is not None:
            from tokenizers import Tokenizer

            ids = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json")).encode(history, add_special_tokens=False).ids
            text = embed_table[torch.tensor(ids)]
            np.save(probe / "text_embeds.npy", text.numpy())
            H = text.shape[1]
            heads = config["qwen_config"]["num_attention_heads"]
            fused = mha("cross_attn.", H, heads)(speech[None], text[None], text[None], need_weights=False)[0][0]
            np.save(ref / "fused.npy", fused.numpy())
            result["text_embeds"] = str(probe / "text_embeds.npy")
    return result


# ------------------------------------------------------------------------------------------------ commands


def run_export(args) -> dict:
    checkpoint = Path(args.checkpoint)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    config, tensors = load_checkpoint(checkpoint)
    report = {"checkpoint": str(checkpoint.resolve()), "checks": {}, "not_verified": []}
    report["es4r"] = write_es4r(out_dir, checkpoint, config, tensors)

    embed_table = None
    if not args.skip_llm:
        if args.tokenizer is None:
            raise ExportError("--tokenizer is required unless --skip-llm (a directory with a Qwen tokenizer.json + tokenizer_config.json)")
        tokenizer_dir = Path(args.tokenizer)
        llm = {}
        for name, value in tensors.items():
            stripped = strip_llm_prefix(name)
            if stripped is not None:
                llm[stripped] = value
        lora = merge_lora(llm, config.get("lora_config") or {}, args.lora_merge, config.get("lora_scope", "audio"))
        cfg = qwen2_config(config["qwen_config"])
        weights = qwen2_weights(llm, cfg)
        del llm
        embed_table = weights["model.embed_tokens.weight"]
        report["lora"] = lora
        report["llm_config"] = cfg
        report["checks"]["tokenizer"] = check_tokenizer(tokenizer_dir, checkpoint, cfg["vocab_size"])
        report["checks"]["decoder_vs_transformers_qwen2_max_rel"] = check_decoder_against_transformers(weights, cfg, min(2, cfg["num_hidden_layers"]))
        if report["checks"]["decoder_vs_transformers_qwen2_max_rel"] > 1e-4:
            raise ExportError(f"the exported decoder disagrees with transformers' Qwen2 ({report['checks']['decoder_vs_transformers_qwen2_max_rel']:.2e})")
        export_llm(out_dir, weights, cfg, args.quantize, report)
        write_llm_configs(out_dir, cfg, tokenizer_dir, report["llm_external_data"], lora, checkpoint)
        report["not_verified"].append("Qwen-1 -> Qwen2 equality is checked against transformers' Qwen2 only, not against the release's QWenLMHeadModel")
        report["not_verified"].append("llm/ itself was not loaded with transformers.js here; the layout was, on a tiny model (llmLayout.test.ts)")

    handle_whisper(out_dir, config, tensors, args.whisper_reference, args.export_whisper_encoder, report)
    if args.probe_wav:
        report["probe"] = write_probe(out_dir, config, tensors, args.probe_wav, args.probe_history, Path(args.tokenizer) if args.tokenizer else None, embed_table)
    (out_dir / "export-report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def run_compare(args) -> dict:
    import numpy as np

    results = {}
    for name in ("front", "adapter", "fused"):
        ours, theirs = Path(args.web) / f"{name}.npy", Path(args.pytorch) / f"{name}.npy"
        if not ours.is_file() or not theirs.is_file():
            continue
        a, b = np.load(ours), np.load(theirs)
        if a.shape != b.shape:
            results[name] = {"shape_web": list(a.shape), "shape_pytorch": list(b.shape), "agrees": False}
            continue
        diff = float(np.abs(a - b).max())
        results[name] = {"shape": list(a.shape), "max_abs_diff": diff, "max_abs": float(np.abs(b).max()), "agrees": diff <= args.tolerance}
    if not results:
        raise ExportError(f"no front/adapter/fused .npy pairs in {args.web} and {args.pytorch}")
    return results


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("export", help="checkpoint -> es4r/ (for npm run es4r:import), llm/ (transformers.js), Whisper verdict, probe inputs")
    ex.add_argument("--checkpoint", required=True, help="directory of a saved Blsp2Model: config.json + model*.safetensors or pytorch_model*.bin")
    ex.add_argument("--out", required=True, help="output directory (created)")
    ex.add_argument("--tokenizer", help="directory with tokenizer.json + tokenizer_config.json of the Qwen BPE vocabulary (e.g. a Qwen2 tokenizer; checked against the checkpoint's qwen.tiktoken when tiktoken is installed)")
    ex.add_argument("--lora-merge", choices=("exact", "all-positions", "none"), default="exact",
                    help="exact (default): merge only when lora_scope is 'global', else stop; all-positions: merge anyway (approximation); none: export the base LLM")
    ex.add_argument("--quantize", choices=("none", "q4"), default="none", help="also write decoder_model_merged_q4.onnx (onnxruntime MatMulNBits, block 32)")
    ex.add_argument("--skip-llm", action="store_true", help="only the ES4R tensors, the Whisper verdict and the probe")
    ex.add_argument("--whisper-reference", help="stock Whisper (hub id or directory, e.g. openai/whisper-small) to compare the checkpoint's frozen encoder with; without it the encoder is exported")
    ex.add_argument("--export-whisper-encoder", action="store_true", help="export the checkpoint's Whisper encoder even when it equals the reference")
    ex.add_argument("--probe-wav", nargs="+", metavar="WAV", help="user turns in dialogue order (16 kHz mono 16-bit WAV): writes probe inputs and PyTorch outputs")
    ex.add_argument("--probe-history", default="", help="text history (ASR transcripts) for the cross-attention probe; needs the LLM (not --skip-llm)")

    cmp = sub.add_parser("compare", help="compare `npm run es4r:probe` outputs with the PyTorch ones written by export")
    cmp.add_argument("--pytorch", required=True, help="OUT/probe/pytorch")
    cmp.add_argument("--web", required=True, help="the --out directory given to npm run es4r:probe")
    cmp.add_argument("--tolerance", type=float, default=1e-3, help="max abs difference counted as agreement (default 1e-3)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        result = run_export(args) if args.command == "export" else run_compare(args)
    except ExportError as error:
        print(f"export_es4r: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, default=str))
    if args.command == "compare" and not all(r.get("agrees") for r in result.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
