"""Looking up peers: search with filters, a page at a time, and one organisation's card."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.entities import Organisation, OrgStatus, Project, ProjectStatus, Visibility
from bot.domain.errors import NotFound
from bot.domain.permissions import Viewer, can_see_contacts, can_view, may_view
from bot.domain.ports import UnitOfWork
from bot.domain.search import Audience, Filters, SearchIndex

PAGE_SIZE = 8
# Changes are re-read with this overlap, so a transaction that committed late is not missed
# by an index on another instance.
REFRESH_OVERLAP = timedelta(minutes=2)
REFRESH_BATCH = 200  # small batches: a large one leaves the process bigger for good


@dataclass(frozen=True, slots=True)
class Page:
    organisations: list[Organisation]
    total: int
    number: int  # from 0
    pages: int


@dataclass(frozen=True, slots=True)
class Card:
    organisation: Organisation
    show_contacts: bool
    active_projects: list[Project]
    bodies: list[str]


async def refresh(uow: UnitOfWork, index: SearchIndex, now: datetime) -> None:
    """Bring the index up to date with what changed since it was last read."""
    async with index.refreshing:
        since = None if index.loaded_until is None else index.loaded_until - REFRESH_OVERLAP
        after_id = 0
        while batch := await uow.search.documents_changed_since(since, after_id, REFRESH_BATCH):
            for document in batch:
                if not index.is_current(document):  # re-read within the overlap, unchanged
                    index.put(document)
            after_id = batch[-1].organisation_id
        if since is None:
            index.trim()
        else:
            for organisation_id in await uow.search.deleted_since(since):
                index.remove(organisation_id)
        index.loaded_until = now


def audience(viewer: Viewer, index: SearchIndex) -> Audience:
    """The visibility rules (permissions.may_view) in the shape the index filters with."""
    kinds = frozenset((status, visibility) for status in OrgStatus for visibility in Visibility
                      if may_view(viewer, None, status, visibility))
    also = set()
    for organisation_id in set(viewer.roles) | viewer.supervised_org_ids:
        access = index.access(organisation_id)
        if access and may_view(viewer, organisation_id, access.status, access.visibility):
            also.add(organisation_id)
    return Audience(kinds, frozenset(also))


async def province_counts(uow: UnitOfWork, index: SearchIndex, viewer: Viewer, query: str,
                          filters: Filters, now: datetime) -> tuple[int, dict[str, int]]:
    """How many match in all, and in each province: the province picker offers only those."""
    await refresh(uow, index, now)
    return index.province_counts(query, replace(filters, province=None), audience(viewer, index))


async def find(uow: UnitOfWork, index: SearchIndex, viewer: Viewer, query: str, filters: Filters,
               page: int, now: datetime, page_size: int = PAGE_SIZE) -> Page:
    await refresh(uow, index, now)
    seen = audience(viewer, index)
    number = max(page, 0)
    total, wanted = index.search_page(query, filters, seen, number * page_size, page_size)
    pages = max(1, -(-total // page_size))
    if number >= pages:  # an old "Next" after the results shrank: show the last page
        number = pages - 1
        total, wanted = index.search_page(query, filters, seen, number * page_size, page_size)
    rows = await uow.organisations.get_many(wanted)
    shown = []
    for organisation_id in wanted:
        organisation = rows.get(organisation_id)
        if organisation is None:  # deleted since the index last looked
            index.remove(organisation_id)
        elif can_view(viewer, organisation):  # checked on the row itself: hiding is immediate
            shown.append(organisation)
    return Page(shown, total, number, pages)


async def card(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Card:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None or not can_view(viewer, organisation):
        raise NotFound("organisation", organisation_id)  # hidden looks exactly like missing
    return await card_of(uow, viewer, organisation)


async def card_of(uow: UnitOfWork, viewer: Viewer, organisation: Organisation) -> Card:
    """The card of an organisation already read and checked (the rows of a result page)."""
    projects = [p for p in await uow.projects.of_organisation(organisation.id)
                if p.status is ProjectStatus.ACTIVE]
    return Card(organisation, can_see_contacts(viewer, organisation), projects,
                await uow.bodies.names_of(organisation.id))
