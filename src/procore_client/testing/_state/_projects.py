"""Companies, their projects, and which app may see them (installation and DMSA grants)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from procore_client.testing._errors import Forbidden, RecordNotFound
from procore_client.testing._models import (
    Commitment,
    Company,
    ContractPayment,
    CostCode,
    DirectCost,
    Project,
    Requisition,
)
from procore_client.testing._state._core import Core

__all__ = ["ProjectStore"]

ProjectRecord = CostCode | Commitment | Requisition | ContractPayment | DirectCost


class ProjectStore:
    """Companies and projects; other stores subscribe to hear of each new company or project
    (``opened_company`` / ``opened_project``) and keep an empty index for it."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.companies: dict[int, Company] = {}
        self.projects: dict[int, Project] = {}
        self.projects_by_company: dict[int, dict[int, Project]] = {}
        self.opened_company: list[Callable[[int], object]] = []
        self.opened_project: list[Callable[[int], object]] = []

    def clear(self) -> None:
        """Forget every company and project."""
        self.companies.clear()
        self.projects.clear()
        self.projects_by_company.clear()

    def add_company(self, company_id: int, name: str, installed_for: Iterable[str] = ()) -> Company:
        """Create a company with the given apps installed."""
        company = Company(company_id, name, set(installed_for))
        self.companies[company_id] = company
        self.projects_by_company.setdefault(company_id, {})
        for opened in self.opened_company:
            opened(company_id)
        self.core.touch()
        return company

    def company(self, company_id: int) -> Company:
        """The company ``company_id``."""
        try:
            return self.companies[company_id]
        except KeyError:
            raise RecordNotFound("Company", company_id) from None

    def add_project(
        self,
        company_id: int,
        *,
        project_id: int | None = None,
        name: str | None = None,
        project_number: str | None = None,
        permitted_for: Iterable[str] | None = None,
        active: bool = True,
        created_at: datetime | None = None,
        origin_id: str | None = None,
    ) -> Project:
        """Create a project; ``permitted_for=None`` lets every installed app's DMSA see it."""
        self.company(company_id)
        if project_id is None:
            project_id = self.core.next_id("project")
            while project_id in self.projects:
                project_id = self.core.next_id("project")
        now = created_at or self.core.clock.now()
        project = Project(
            id=project_id,
            company_id=company_id,
            name=name or f"Project {project_id}",
            project_number=project_number or str(project_id)[-6:],
            created_at=now,
            updated_at=now,
            active=active,
            permitted_for=None if permitted_for is None else set(permitted_for),
            origin_id=origin_id,
        )
        self.put_project(project)
        return project

    def put_project(self, project: Project) -> None:
        """Insert a ready-made project (its origin id indexed)."""
        self.core.origins.claim(project.company_id, "project", project.origin_id, project.id)
        self.projects[project.id] = project
        self.projects_by_company.setdefault(project.company_id, {})[project.id] = project
        for opened in self.opened_project:
            opened(project.id)
        self.core.touch()

    def project(self, project_id: int) -> Project:
        """The project ``project_id``."""
        try:
            return self.projects[project_id]
        except KeyError:
            raise RecordNotFound("Project", project_id) from None

    def company_of(self, project_id: int) -> int:
        """The id of the company that owns the project."""
        return self.project(project_id).company_id

    def claim_origin(self, kind: str, record: ProjectRecord) -> None:
        """Index a project record's origin id; origin ids are unique per company (409)."""
        if record.origin_id is not None:
            self.core.origins.claim(
                self.company_of(record.project_id), kind, record.origin_id, record.id
            )

    def app_installed(self, client_id: str, company_id: int) -> bool:
        """Whether ``client_id`` is installed in the company."""
        company = self.companies.get(company_id)
        return company is not None and client_id in company.installed_for

    def app_permitted(self, client_id: str, project: Project) -> bool:
        """Whether the app's DMSA was granted this project (and the app is installed)."""
        if not self.app_installed(client_id, project.company_id):
            return False
        return project.permitted_for is None or client_id in project.permitted_for

    def check_project(self, client_id: str, project_id: int) -> Project:
        """The project, if the app may read it; 404 unknown, 403 not permitted."""
        project = self.project(project_id)
        if not self.app_installed(client_id, project.company_id):
            raise Forbidden("App is not connected to this company")
        if not self.app_permitted(client_id, project):
            raise Forbidden("This project has not been granted to the app's service account")
        return project
