from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.formatting import person
from core.models import Job
from orgs import paths
from orgs.choices import OrganizationKind, Role, Sector, VenueStatus


class OrganizationQuerySet(models.QuerySet):
    def subtree(self, path: str) -> "OrganizationQuerySet":
        """The organization with this path and all below it: one range scan on the path index."""
        return self.filter(path__gte=path, path__lt=paths.successor(path))

    def active(self) -> "OrganizationQuerySet":
        return self.filter(dissolved_on__isnull=True)

    def visible_to(self, user) -> "OrganizationQuerySet":
        """The organizations the user may read: the subtrees of their role assignments."""
        from orgs.access import scope_q  # noqa: PLC0415 - orgs.access reads these models: a real cycle

        return self.filter(scope_q(user))


class Organization(models.Model):
    """A grassroots party organization (基层党组织) or a committee above them, in one tree.

    seeds/000 names the kinds (党委, 党总支, 党支部) and sectors; seeds/004 the ledger built
    level by level (下管一级、逐级建立). The tree is a parent link plus a stored materialized path
    and depth (DESIGN.md); ``children_count`` and ``descendants_count`` are kept current by the
    services so that a subtree's size is read, never counted, at request time. Both count active
    (not dissolved) organizations only.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    code = models.CharField(_("official code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,  # org_children_idx (parent, code) serves every lookup by parent
    )
    path = models.CharField(_("tree path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    secretary = models.CharField(_("secretary"), max_length=64, blank=True)
    first_secretary = models.CharField(_("first secretary"), max_length=64, blank=True)
    children_count = models.PositiveIntegerField(_("active subordinate organizations"), default=0, editable=False)
    descendants_count = models.PositiveIntegerField(
        _("active organizations in the subtree"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "code"], name="org_children_idx"),
            models.Index(fields=["name"], name="org_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=F("established_on")),
                name="org_dissolved_after_established",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="org_not_own_parent"),
            models.CheckConstraint(condition=~Q(code=""), name="org_code_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OrganizationFacts(models.Model):
    """基本情况: an organization's basic facts for one year, the columns of the Hunan ledger.

    seeds/004 附件三: "支部共有党员75人，其中预备党员7人，女党员8人，35岁以下党员15人，大专及以上
    党员3人，班子成员5人", 流动党员数, 村级活动场所情况 (已建 / 2012年8月完工 / 没有), 主要特点,
    存在问题.
    """

    # No index of its own: the unique constraint (organization, year) serves lookups by organization.
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="facts", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    members_total = models.PositiveIntegerField(_("party members"))
    probationary_members = models.PositiveIntegerField(_("probationary members"), default=0)
    female_members = models.PositiveIntegerField(_("female members"), default=0)
    members_under_35 = models.PositiveIntegerField(_("members under 35"), default=0)
    college_members = models.PositiveIntegerField(_("members with college education"), default=0)
    leadership_size = models.PositiveIntegerField(_("leadership members"), default=0)
    mobile_members = models.PositiveIntegerField(_("mobile members"), default=0)
    venue_status = models.CharField(
        _("venue"), max_length=32, choices=VenueStatus.choices, default=VenueStatus.NONE
    )
    venue_expected_completion = models.DateField(_("venue expected completion"), null=True, blank=True)
    main_features = models.TextField(_("main features"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("basic facts")
        verbose_name_plural = _("basic facts")
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="facts_one_per_org_year"),
            models.CheckConstraint(
                condition=Q(probationary_members__lte=F("members_total"))
                & Q(female_members__lte=F("members_total"))
                & Q(members_under_35__lte=F("members_total"))
                & Q(college_members__lte=F("members_total")),
                name="facts_parts_within_total",
            ),
            models.CheckConstraint(
                condition=Q(venue_status=VenueStatus.UNDER_CONSTRUCTION, venue_expected_completion__isnull=False)
                | (~Q(venue_status=VenueStatus.UNDER_CONSTRUCTION) & Q(venue_expected_completion__isnull=True)),
                name="facts_completion_only_under_construction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class RoleAssignment(models.Model):
    """A person's role on an organization: (user, organization, role).

    The role reaches the organization's whole subtree for reading; who may decide on whom follows
    下管一级 (seeds/004: 下管一级、逐级审核), written once in ``orgs.access``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["organization__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="role_unique_per_user_org"),
        ]

    def __str__(self) -> str:
        return f"{person(self.user)} · {self.get_role_display()} · {self.organization}"


class TreeJob(Job):
    """An organization-list import (its check, "preview", then its commit) or an export of a level's
    tree as .xlsx, run by a worker (orgs.jobs).

    An import keeps the uploaded file; ``problems`` are those its check found (row, column, header,
    message, blocking), ``result`` the preview (counts, what is created, renamed, moved, left out)
    or, once committed, the counts of what was written. ``organization`` is the level.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="tree-jobs/%Y/%m/", blank=True)
    organization = models.ForeignKey(Organization, verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="tree_jobs")

    class Meta(Job.Meta):
        verbose_name = _("organization list job")
        verbose_name_plural = _("organization list jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} · {self.organization_id}"


class PeopleJob(Job):
    """A people import (导入人员): users with their roles on organizations of a level, read from a
    spreadsheet, checked ("preview"), then created and granted in one transaction ("commit"), run by
    a worker (orgs.jobs). ``problems`` are its check's, ``result`` the preview (who is created, which
    roles are granted) or, once committed, the counts; the people it created are its
    ``initial_passwords``. ``organization`` is the level.
    """

    file = models.FileField(_("file"), upload_to="people-jobs/%Y/%m/", blank=True)
    organization = models.ForeignKey(Organization, verbose_name=_("level"), on_delete=models.PROTECT,
                                     related_name="people_jobs")

    class Meta(Job.Meta):
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")

    def __str__(self) -> str:
        return f"{self.filename} · {self.organization_id}"


class InitialPassword(models.Model):
    """The initial password of a login made by a people import, handed to its person on a printed slip.

    Only its hash is kept, on the user (Django's password); this row says when the slip was printed
    and by whom, and when the person set a password of their own. Until then, after logging in with
    the slip, the person must set one before anything else (orgs.middleware).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="initial_password")
    job = models.ForeignKey(PeopleJob, verbose_name=_("people import"), on_delete=models.SET_NULL, null=True,
                            blank=True, related_name="initial_passwords")
    level = models.ForeignKey(Organization, verbose_name=_("level"), on_delete=models.PROTECT,
                              related_name="initial_passwords")
    issued_at = models.DateTimeField(_("slip printed at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("slip printed by"),
                                  on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(_("own password set at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("initial password")
        verbose_name_plural = _("initial passwords")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{person(self.user)} · {self.level_id}"

    @property
    def must_change(self) -> bool:
        return self.issued_at is not None and self.changed_at is None
