"""The knowledge base: what each glibc warning means, where it comes from, how to fix it."""

from cgowarn.knowledge.loader import KnowledgeBase, check_targets, load_knowledge

__all__ = ["KnowledgeBase", "check_targets", "load_knowledge"]
