"""Acceptance tests written from API.md and the seed page alone, as an outsider would."""
import asyncio


def run(coro):
    return asyncio.run(coro)

async def acollect(agen):
    return [x async for x in agen]
