"""Projects: who does what, where, when; and who else does the same there."""

from __future__ import annotations

from datetime import datetime

from bot.domain.entities import Organisation, Project
from bot.domain.errors import NotAllowed, NotFound
from bot.domain.permissions import Viewer, can_edit, can_view
from bot.domain.ports import UnitOfWork


async def _editable(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> Organisation:
    organisation = await uow.organisations.get(organisation_id)
    if organisation is None:
        raise NotFound("organisation", organisation_id)
    if not can_edit(viewer, organisation):
        raise NotAllowed("edit")
    return organisation


async def overlapping(uow: UnitOfWork, viewer: Viewer, project: Project
                      ) -> list[tuple[Organisation, Project]]:
    """Active projects of other organisations sharing a sector and a province, as far as the
    viewer may see those organisations (a hidden one never shows up here)."""
    found = []
    for other in await uow.projects.overlapping(project.sectors, project.provinces,
                                                exclude_organisation=project.organisation_id):
        organisation = await uow.organisations.get(other.organisation_id)
        if organisation is not None and can_view(viewer, organisation):
            found.append((organisation, other))
    return found


async def add_project(uow: UnitOfWork, viewer: Viewer, project: Project, now: datetime
                      ) -> tuple[Project, list[tuple[Organisation, Project]]]:
    await _editable(uow, viewer, project.organisation_id)
    project = await uow.projects.add(project)
    await uow.audit.record("project_added", project.organisation_id, viewer.user_id, now)
    return project, await overlapping(uow, viewer, project)


async def projects_of(uow: UnitOfWork, viewer: Viewer, organisation_id: int) -> list[Project]:
    await _editable(uow, viewer, organisation_id)
    return await uow.projects.of_organisation(organisation_id)
