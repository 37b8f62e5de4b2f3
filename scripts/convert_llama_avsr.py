#!/usr/bin/env python3
"""Converts a Llama-AVSR checkpoint into a sinkscope composite model directory
(docs/model-format.md).

    python3 scripts/convert_llama_avsr.py --checkpoint model.pth \
        --llm /path/to/hf/Llama-3.2-3B --whisper /path/to/hf/whisper-medium.en \
        --audio-rate 4 --video-rate 2 --lora-reduction 64 --lora-alpha 8 --out my-model

The checkpoint is read with torch.load(weights_only=True): nothing in it is executed.
It may be a Lightning checkpoint ({"state_dict": ...}) or a plain state dict whose keys
follow Llama-AVSR's AVSR_LLMs module (model.audio_proj.*, model.video_proj.*,
model.llm.*, model.audio_encoder.*, model.video_encoder.*). Frozen parts missing from
the checkpoint are taken from the Hugging Face base directories.

Needs torch, safetensors and tokenizers (Python packages); run it once per model, not at
run time.
"""
import argparse
import json
import os
import shutil

import torch
from safetensors.torch import load_file, save_file
from tokenizers import AddedToken, Tokenizer

ADDED = ["<audio>", "</audio>", "<video>", "</video>", "<pad>"]


def load_checkpoint(path):
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state:
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise SystemExit(f"{path}: not a state dict")
    return {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}


def strip(state, prefix):
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def hf_weights(directory):
    single = os.path.join(directory, "model.safetensors")
    if os.path.exists(single):
        return load_file(single)
    index = json.load(open(os.path.join(directory, "model.safetensors.index.json")))
    weights = {}
    for shard in sorted(set(index["weight_map"].values())):
        weights.update(load_file(os.path.join(directory, shard)))
    return weights


def write_llm(args, state, out):
    os.makedirs(out, exist_ok=True)
    llm = {k: v for k, v in strip(state, "model.llm.").items() if ".lora_" not in k}
    base = hf_weights(args.llm)
    for key, value in base.items():
        llm.setdefault(key, value)
    config = json.load(open(os.path.join(args.llm, "config.json")))
    tokenizer = Tokenizer.from_file(os.path.join(args.llm, "tokenizer.json"))
    tokenizer.add_special_tokens([AddedToken(t, special=True) for t in ADDED])
    rows = llm["model.embed_tokens.weight"].shape[0]
    if rows < tokenizer.get_vocab_size():
        raise SystemExit(f"embed_tokens has {rows} rows but the tokenizer with the added tokens needs "
                         f"{tokenizer.get_vocab_size()}: is this checkpoint from Llama-AVSR?")
    config["vocab_size"] = rows
    if "lm_head.weight" in llm and llm["lm_head.weight"].shape[0] != rows:
        raise SystemExit("lm_head.weight rows differ from embed_tokens rows")
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    save_file({k: v.contiguous() for k, v in llm.items()}, os.path.join(out, "model.safetensors"),
              metadata={"format": "pt"})
    tokenizer.save(os.path.join(out, "tokenizer.json"))


def write_whisper(args, state, out):
    os.makedirs(out, exist_ok=True)
    encoder = {"model.encoder." + k: v for k, v in strip(state, "model.audio_encoder.").items()}
    if not encoder:
        encoder = {k: v for k, v in hf_weights(args.whisper).items() if k.startswith("model.encoder.")}
    shutil.copy(os.path.join(args.whisper, "config.json"), os.path.join(out, "config.json"))
    save_file({k: v.contiguous() for k, v in encoder.items()}, os.path.join(out, "model.safetensors"),
              metadata={"format": "pt"})


def write_video(args, state, out):
    video = strip(state, "model.video_encoder.")
    if not video:
        return False
    os.makedirs(out, exist_ok=True)
    config = json.load(open(args.video_config)) if args.video_config else {
        # AV-HuBERT Large.
        "encoder_layers": 24, "encoder_embed_dim": 1024, "encoder_ffn_embed_dim": 4096,
        "encoder_attention_heads": 16, "layer_norm_first": True}
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    save_file({k: v.contiguous() for k, v in video.items()}, os.path.join(out, "model.safetensors"),
              metadata={"format": "pt"})
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--llm", required=True, help="HF Llama directory the model was trained from")
    parser.add_argument("--whisper", help="HF Whisper directory (audio models)")
    parser.add_argument("--video-config", help="video encoder config.json (default: AV-HuBERT Large)")
    parser.add_argument("--audio-rate", type=int, default=3)
    parser.add_argument("--video-rate", type=int, default=3)
    parser.add_argument("--compression", default="stack", choices=["stack", "avg-pooling"])
    parser.add_argument("--lora-reduction", type=int)
    parser.add_argument("--lora-alpha", type=float)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    state = load_checkpoint(args.checkpoint)
    os.makedirs(args.out, exist_ok=True)
    write_llm(args, state, os.path.join(args.out, "llm"))
    has_audio = any(k.startswith("model.audio_proj.") for k in state)
    has_video = any(k.startswith("model.video_proj.") for k in state)
    if has_audio:
        if not args.whisper:
            raise SystemExit("the checkpoint has an audio projector: give --whisper")
        write_whisper(args, state, os.path.join(args.out, "audio_encoder"))
    if has_video and not write_video(args, state, os.path.join(args.out, "video_encoder")):
        raise SystemExit("the checkpoint has a video projector but no model.video_encoder.* weights")

    own = {k[len("model."):]: v for k, v in state.items()
           if k.startswith("model.audio_proj.") or k.startswith("model.video_proj.")}
    lora = {"llm." + k: v for k, v in strip(state, "model.llm.").items() if ".lora_" in k}
    own.update(lora)
    if lora and not args.lora_reduction:
        raise SystemExit("the checkpoint has LoRA weights: give --lora-reduction and --lora-alpha")
    save_file({k: v.contiguous() for k, v in own.items()}, os.path.join(args.out, "model.safetensors"),
              metadata={"format": "pt"})
    config = {
        "model_type": "sinkscope-avsr", "format_version": 1,
        "name": os.path.basename(os.path.normpath(args.out)),
        "description": f"converted from {os.path.basename(args.checkpoint)}",
        "llm": "llm",
        "audio_encoder": "audio_encoder" if has_audio else None,
        "video_encoder": "video_encoder" if has_video else None,
        "weights": "model.safetensors",
        "audio_compression": {"mode": args.compression, "rate": args.audio_rate},
        "video_compression": {"mode": args.compression, "rate": args.video_rate},
        "lora": {"reduction": args.lora_reduction, "alpha": args.lora_alpha} if lora else None,
    }
    json.dump(config, open(os.path.join(args.out, "config.json"), "w"), indent=2)
    print(f"{args.out}: {len(own)} own tensors, audio={has_audio}, video={has_video}, lora={bool(lora)}")


if __name__ == "__main__":
    main()
